import ClientCore
import Foundation
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// ClientCore and clientcli against the real server on a real socket: a change on one side that breaks the other fails here.
@Suite struct ClientContractTests {
    @Test func clientCoreSignsInAgainstTheRealServer() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!)
            let sent = try await api.sendCode(phone: "+996 555 123 456")
            #expect(sent.status == "sent" && sent.expiresIn == 300 && sent.resendAfter == 0)  // the harness has no cooldown
            #expect(sent.verificationID.count == 25)
            let code = try #require(harness.sms.lastCode(to: "+996555123456"))
            let grant = try await api.verifyCode(verificationID: sent.verificationID, code: code)
            #expect(grant.tokenType == "Bearer")
            #expect(grant.expiresIn == 1800)
            #expect(grant.user.phoneNumber == "+996555123456")
            #expect(grant.user.market == "kg")
            #expect(grant.user.isVerified)
        }
    }

    @Test func clientCoreReportsTheServersErrorCode() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!)
            await #expect(
                throws: PhoneAuthClientError.server(status: 403, code: "market_not_supported", message: AppError.marketNotSupported.message)
            ) {
                try await api.sendCode(phone: "+44 20 7946 0958")
            }
            let wrong = await #expect(throws: PhoneAuthClientError.self) { try await api.verifyCode(phone: "+13125550100", code: "123456") }
            #expect(wrong?.code == "invalid_code")
            if case .server(400, _, let message, _)? = wrong {
                #expect(message == AppError.invalidCode(attemptsRemaining: nil).message)
            } else {
                Issue.record("expected a 400, got \(String(describing: wrong))")
            }
        }
    }

    /// verify-code keeps the session as login does: `status` then says who is signed in.
    @Test func clientcliSendsAndVerifiesACode() async throws {
        let harness = try TestHarness()
        let home = harness.folder.appendingPathComponent("home").path
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let sent = try await CLIRunner.run(
                ["send-code", "--server", server, "--phone", "+1 312 555 0100"], environment: ["PHONEAUTH_HOME": home])
            #expect(sent.status == 0, "\(sent.stderr)")
            #expect(sent.stdout.contains("code sent"))
            let id = try #require(sent.stdout.firstMatch(of: /verification id: (v[A-Za-z0-9_-]{24})/)).1
            let code = try #require(harness.sms.lastCode(to: "+13125550100"))
            let verified = try await CLIRunner.run(
                ["verify-code", "--server", server, "--verification-id", String(id), "--code", code, "--json"], environment: ["PHONEAUTH_HOME": home])
            #expect(verified.status == 0)
            let json = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
            #expect((json?["access_token"] as? String)?.split(separator: ".").count == 3)
            let status = try await CLIRunner.run(["status", "--server", server], environment: ["PHONEAUTH_HOME": home])
            #expect(status.status == 0, "\(status.stderr)")
            let userID = try #require((json?["user"] as? [String: Any])?["id"] as? Int)
            #expect(status.stdout.split(separator: "\n").contains { $0.hasPrefix("user ") && $0.hasSuffix(" \(userID)") }, "\(status.stdout)")

            let refused = try await CLIRunner.run(
                ["verify-code", "--server", server, "--phone", "+13125550100", "--code", code], environment: ["PHONEAUTH_HOME": home])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("invalid_code"))
            let neither = try await CLIRunner.run(["verify-code", "--server", server, "--code", code], environment: ["PHONEAUTH_HOME": home])
            #expect(neither.status == 64)
        }
        let offline = try await CLIRunner.run(["send-code", "--server", "http://127.0.0.1:1", "--phone", "+13125550100"])
        #expect(offline.status == 3)
        #expect(offline.stderr.hasPrefix("clientcli: cannot reach the server"))
    }
}

/// clientcli as people and scripts use it: a real process, its credentials file, a live server.
@Suite final class ClientCLITests: Sendable {
    let home = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-cli-\(UUID().uuidString)").path

    deinit {
        try? FileManager.default.removeItem(atPath: home)
    }

    private func cli(_ arguments: [String], server: String, input: String? = nil) async throws -> CLIRunner.Result {
        try await CLIRunner.run(arguments + ["--server", server], environment: ["PHONEAUTH_HOME": home], input: input)
    }

    @Test func loginStatusMeLogout() async throws {
        let harness = try TestHarness()
        harness.clock.set(Date())
        try await harness.test(.live) { (client) async throws -> Void in
            let server = "http://127.0.0.1:\(client.port!)"
            #expect(try await cli(["status"], server: server).status == 2)  // not logged in

            let sent = try await cli(["send-code", "--phone", "+996555123456"], server: server)
            #expect(sent.status == 0)
            let code = try #require(harness.sms.lastCode(to: "+996555123456"))
            let loggedIn = try await cli(["login", "--phone", "+996555123456", "--code", code], server: server)
            #expect(loggedIn.status == 0, "\(loggedIn.stderr)")
            #expect(loggedIn.stdout.contains("signed in as user"))

            let attributes = try FileManager.default.attributesOfItem(atPath: home + "/credentials.json")
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            let status = try await cli(["status"], server: server)
            #expect(status.status == 0)
            #expect(status.stdout.contains("market") && status.stdout.contains("kg"))
            #expect(!status.stdout.contains("eyJ"))  // never the token
            let me = try await cli(["me", "--json"], server: server)
            #expect(me.status == 0)
            #expect((try JSONSerialization.jsonObject(with: Data(me.stdout.utf8)) as? [String: Any])?["phone_number"] as? String == "+996555123456")
            #expect(try await cli(["me"], server: server).stdout.contains("Kyrgyzstan"))

            #expect(try await cli(["logout"], server: server).status == 0)
            let after = try await cli(["me"], server: server)
            #expect(after.status == 2)
            #expect(after.stderr == "clientcli: not logged in\n")
        }
    }

    @Test func profileAddressesAndSessionsCommands() async throws {
        let harness = try TestHarness { $0.testNumbers = try! TestNumberBook(parsing: "+996555123456:424242:2099-01-01") }
        harness.clock.set(Date())
        try await harness.test(.live) { (client) async throws -> Void in
            let server = "http://127.0.0.1:\(client.port!)"
            #expect(try await cli(["send-code", "--phone", "+996555123456"], server: server).status == 0)
            #expect(try await cli(["login", "--phone", "+996555123456", "--code", "424242"], server: server).status == 0)
            // A second device of the same user.
            _ = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555123456"])
            let verified = try await client.request(
                .post, "/auth/verify-code", json: ["phone": "+996555123456", "verification_code": "424242"], headers: [.userAgent: "other-device"])
            let otherAccess = try #require(verified.json["access_token"] as? String)

            let named = try await cli(["profile", "set", "--name", "Aida Bekova", "--language", "ky"], server: server)
            #expect(named.status == 0, "\(named.stderr)")
            #expect(try await cli(["me"], server: server).stdout.contains("Aida Bekova"))
            let badLanguage = try await cli(["profile", "set", "--language", "xx"], server: server)
            #expect(badLanguage.status == 1)
            #expect(badLanguage.stderr.contains("validation_failed"))

            let added = try await cli(
                ["addresses", "add", "--line1", "Chui Ave 120", "--city", "Bishkek", "--postal-code", "720040", "--json"], server: server)
            #expect(added.status == 0, "\(added.stderr)")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(added.stdout.utf8)) as? [String: Any])?["id"] as? Int)
            #expect(try await cli(["addresses", "edit", String(id), "--city", "Osh"], server: server).status == 0)
            let listed = try await cli(["addresses", "list"], server: server)
            #expect(listed.stdout.hasPrefix("ID"))
            #expect(listed.stdout.contains("Chui Ave 120") && listed.stdout.contains("Osh"))
            #expect(try await cli(["addresses", "rm", String(id)], server: server).status == 0)
            #expect(try await cli(["addresses", "rm", String(id)], server: server).status == 1)

            let sessions = try await cli(["sessions", "list", "--json"], server: server)
            let items = try #require(try JSONSerialization.jsonObject(with: Data(sessions.stdout.utf8)) as? [[String: Any]])
            #expect(items.count == 2)
            // clientcli names itself, so the user can tell its session from the others.
            #expect(items.first { $0["current"] as? Bool == true }?["user_agent"] as? String == "clientcli (PhoneAuth ClientCore; Linux)")
            let otherID = try #require(items.first { $0["user_agent"] as? String == "other-device" }?["id"] as? String)
            #expect(try await cli(["sessions", "revoke", otherID], server: server).status == 0)
            #expect(try await client.request(.get, "/api/v1/profile", token: otherAccess).status == .unauthorized)
            #expect(try await cli(["me"], server: server).status == 0)
        }
    }

    @Test func loginReadsTheCodeFromStandardInput() async throws {
        // A test number's code is known in advance, as a script piping it in would know it.
        let withNumber = try TestHarness { $0.testNumbers = try! TestNumberBook(parsing: "+13125550123:424242:2099-01-01") }
        withNumber.clock.set(Date())
        try await withNumber.test(.live) { (client) async throws -> Void in
            let server = "http://127.0.0.1:\(client.port!)"
            let login = try await cli(["login", "--phone", "+13125550123", "--json"], server: server, input: "424242\n")
            #expect(login.status == 0, "\(login.stderr)")
            #expect((try JSONSerialization.jsonObject(with: Data(login.stdout.utf8)) as? [String: Any])?["market"] as? String == "us")
            #expect(try await cli(["me"], server: server).status == 0)
        }
    }

    @Test func aCorruptCredentialsFileIsReportedAndMeansLoggedOut() async throws {
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Data("garbage".utf8).write(to: URL(fileURLWithPath: home + "/credentials.json"))
        let status = try await cli(["status"], server: "http://127.0.0.1:1")
        #expect(status.status == 2)
        #expect(status.stderr.contains("moved to") && status.stderr.contains("credentials.json.corrupt"))
        #expect(try await cli(["status"], server: "http://127.0.0.1:1").stderr == "clientcli: not logged in\n")
    }
}
