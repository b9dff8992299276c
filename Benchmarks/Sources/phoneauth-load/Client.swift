import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Keep-alive HTTP/1.1 connections to one server, with a JSON helper.
struct Client: Sendable {
    let http: HTTPClient
    let base: String

    init(base: String, connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(10))
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.base = base
    }

    struct Answer {
        var status: Int
        var body: ByteBuffer
        var json: [String: Any]? { try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any] }
        var text: String { String(buffer: body) }
    }

    func send(_ method: HTTPMethod, _ path: String, json: [String: String]? = nil, headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json)))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        return Answer(status: Int(response.status.code), body: try await response.body.collect(upTo: 1 << 20))
    }

    func shutdown() async throws { try await http.shutdown() }
}
