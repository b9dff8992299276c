import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The logs of a whole sign-in, at debug level, in both formats, from the real binary: full of lines, and free of
/// every code, token, verification id, secret and full phone number the flow used.
@Suite struct LogSecrecyTests {
    @Test(arguments: ["text", "json"])
    func aFullFlowLogsNoCodeTokenSecretOrFullPhoneNumber(format: String) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-logs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logFile = folder.appendingPathComponent("server.log")
        let phone = "+13125550142"
        let receiver = WebhookReceiver()
        let fixed = Instance.sharedSecrets.filter { !$0.hasPrefix("--") } + [phone, "3125550142"]
        let issued: [String] = try await receiver.run { webhook in
            let server = try await Instance.start(
                database: folder.appendingPathComponent("db.sqlite").path, webhook: webhook,
                extra: ["--log-level", "debug", "--log-format", format], logFile: logFile)
            do {
                let sent = try await server.request("POST", "/auth/send-code", json: ["phone": phone])
                let id = try #require(sent.json["verification_id"] as? String)
                let code = try #require(receiver.lastCode(to: phone))
                let wrong = code == "000000" ? "111111" : "000000"
                _ = try await server.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": wrong])
                let grant = try await server.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
                let access = try #require(grant.json["access_token"] as? String)
                let refresh = try #require(grant.json["refresh_token"] as? String)
                #expect(try await server.request("GET", "/api/v1/profile", token: access).status == 200)
                let rotated = try await server.request("POST", "/auth/refresh", json: ["refresh_token": refresh])
                let newAccess = try #require(rotated.json["access_token"] as? String)
                #expect(try await server.request("POST", "/auth/logout", token: newAccess).status == 204)
                await server.stop()
                return [code, wrong, id, access, refresh, newAccess, try #require(rotated.json["refresh_token"] as? String)]
            } catch {
                await server.stop()
                throw error
            }
        }
        let logs = try String(contentsOf: logFile, encoding: .utf8)
        #expect(logs.components(separatedBy: "\n").count > 8, "the flow was logged")
        #expect(logs.contains("/auth/verify-code"))
        for secret in fixed + issued {
            #expect(!logs.contains(secret), "the logs hold \(secret.prefix(4))…")
        }
        // Tokens are base64url JSON: no fragment of their signed parts either.
        #expect(!logs.contains("eyJ"))
        // A number shows as its country code and last two digits, nothing between (+13125***142 left it one search
        // from whole).
        #expect(logs.contains("+1***42"))
        #expect(!logs.contains("+1312"))
        #expect(!logs.contains("142 ") && !logs.contains("***142"))
    }
}
