import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// One PhoneAuth server process of several sharing a database, and a JSON client for it (libcurl, its own
/// connections).
struct Instance: Sendable {
    let port: Int
    let process: ServerProcess
    private let curl = CurlClient.isolated()

    /// Both instances of a pair get the same secrets, as a deployment would give them.
    static let sharedSecrets = [
        "--jwt-secret", "two-instance-secret-of-at-least-32-bytes", "--pepper", "two-instance-pepper-of-at-least-32-bytes",
    ]

    static func start(database: String, webhook: String, extra: [String] = [], logFile: URL? = nil) async throws -> Instance {
        let port = try MotoServer.freePort()
        // Secrets given in `extra` come later on the command line and win.
        let arguments =
            ["--database", database, "--sms", "webhook", "--sms-webhook-url", webhook + "/ok", "--sms-webhook-secret", "s"]
            + sharedSecrets + extra
        return Instance(port: port, process: try await ServerProcess.start(port: port, arguments: arguments, logFile: logFile))
    }

    struct Answer: Sendable {
        var status: Int
        var json: [String: any Sendable]
        var errorCode: String? { (json["error"] as? [String: any Sendable])?["code"] as? String }
    }

    func request(_ method: String, _ path: String, json body: [String: String]? = nil, token: String? = nil) async throws -> Answer {
        var headers = ["Content-Type: application/json"]
        if let token { headers.append("Authorization: Bearer \(token)") }
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) } ?? Data()
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
        default: "\(value)"
        }
    }

    /// A whole sign-in: send-code, the code from the receiver's webhook, verify-code.
    func signIn(_ receiver: WebhookReceiver, phone: String) async throws -> (access: String, refresh: String) {
        try #require(await signInIfServing(receiver, phone: phone), "the sign-in of \(phone) did not complete")
    }

    /// The same sign-in, recording no issue when it does not complete (nil): for tests that stop the server part-way.
    func signInIfServing(_ receiver: WebhookReceiver, phone: String) async throws -> (access: String, refresh: String)? {
        let sent = try await request("POST", "/auth/send-code", json: ["phone": phone])
        guard let id = sent.json["verification_id"] as? String, let code = receiver.lastCode(to: phone) else { return nil }
        let verified = try await request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
        guard verified.status == 200, let access = verified.json["access_token"] as? String,
            let refresh = verified.json["refresh_token"] as? String
        else { return nil }
        return (access, refresh)
    }

    /// Runs `body`, then stops every instance whether it returned or threw (a process left running would outlive the
    /// test run).
    static func stopping(_ instances: [Instance], after body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            for instance in instances { await instance.stop() }
            throw error
        }
        for instance in instances { await instance.stop() }
    }

    func stop() async {
        await process.stop()
    }
}
