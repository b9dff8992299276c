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
    private let client: LoopbackClient

    typealias Answer = LoopbackClient.Answer

    /// Both instances of a pair get the same secrets, as a deployment would give them.
    static let sharedSecrets = [
        "--jwt-secret", "two-instance-secret-of-at-least-32-bytes", "--pepper", "two-instance-pepper-of-at-least-32-bytes",
    ]

    /// `port`: a free one unless given (an instance restarted where it was); `binary`: another build of the server.
    static func start(
        database: String, webhook: String, extra: [String] = [], logFile: URL? = nil, port: Int? = nil, binary: URL? = nil
    ) async throws -> Instance {
        let port = try port ?? MotoServer.freePort()
        // Secrets given in `extra` come later on the command line and win.
        let arguments =
            ["--database", database, "--sms", "webhook", "--sms-webhook-url", webhook + "/ok", "--sms-webhook-secret", "s"]
            + sharedSecrets + extra
        let process = try await ServerProcess.start(port: port, arguments: arguments, logFile: logFile, binary: binary)
        return Instance(port: port, process: process, client: LoopbackClient(port: port))
    }

    func request(
        _ method: String, _ path: String, json body: [String: String]? = nil, token: String? = nil, headers: [String] = []
    )
        async throws -> Answer
    {
        try await client.request(method, path, json: body, token: token, headers: headers)
    }

    /// A request with a body of any JSON (lists, numbers).
    func requestRaw(_ method: String, _ path: String, body: Data, token: String? = nil) async throws -> Answer {
        try await client.send(method, path, body: body, token: token)
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
