import Foundation

@testable import PhoneAuthDelivery

/// JSON over HTTP to a port on 127.0.0.1 (a server instance, or a load balancer in front of several), through libcurl
/// with connections of its own.
struct LoopbackClient: Sendable {
    let port: Int
    private let curl = CurlClient.isolated()

    init(port: Int) { self.port = port }

    struct Answer: Sendable {
        var status: Int
        var json: [String: any Sendable]
        var errorCode: String? { (json["error"] as? [String: any Sendable])?["code"] as? String }
    }

    /// `headers`: more request headers, `Name: value`.
    func request(
        _ method: String, _ path: String, json body: [String: String]? = nil, token: String? = nil, headers extra: [String] = []
    ) async throws -> Answer {
        try await send(method, path, body: try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data(), token: token, headers: extra)
    }

    /// A request with a body of any JSON (lists, numbers).
    func send(_ method: String, _ path: String, body data: Data, token: String? = nil, headers extra: [String] = []) async throws -> Answer {
        var headers = ["Content-Type: application/json"] + extra
        if let token { headers.append("Authorization: Bearer \(token)") }
        let response = try await curl.perform(
            CurlRequest(url: "http://127.0.0.1:\(port)\(path)", method: method, headers: headers, body: Array(data), timeout: .seconds(20)))
        let parsed = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
        return Answer(status: response.status, json: parsed.mapValues { Self.sendable($0) })
    }

    private static func sendable(_ value: Any) -> any Sendable {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.intValue
        case let object as [String: Any]: object.mapValues { sendable($0) }
        case let array as [Any]: array.map { sendable($0) }
        default: "\(value)"
        }
    }
}
