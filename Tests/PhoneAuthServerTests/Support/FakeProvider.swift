import Foundation
import Hummingbird
import HummingbirdTesting
import Logging

/// What the providers' loopback fakes share: serving a router on a free loopback port for the length of a body, and
/// JSON answers.
enum FakeProvider {
    static func serve<Value: Sendable>(
        _ router: Router<BasicRequestContext>, label: String, _ body: @Sendable (_ baseURL: String) async throws -> Value
    ) async throws -> Value {
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The request's JSON object, or nil when the body is not one.
    static func object(_ request: Request) async throws -> [String: Any]? {
        let buffer = try await request.body.collect(upTo: 1 << 16)
        return try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
    }
}
