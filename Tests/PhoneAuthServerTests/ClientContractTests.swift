import ClientCore
import Foundation
import HummingbirdTesting
import Testing

@testable import PhoneAuthServer

/// ClientCore and clientcli against the real server on a real socket: a change on one side that breaks the other fails here.
@Suite struct ClientContractTests {
    @Test func clientCoreSignsInAgainstTheRealServer() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(client.port!)")!)
            let sent = try await api.sendCode(phone: "+996 555 123 456")
            #expect(sent.status == "sent" && sent.expiresIn == 300 && sent.resendAfter == 60)
            let code = try #require(harness.sms.lastCode(to: "+996555123456"))
            let grant = try await api.verifyCode(phone: "+996555123456", code: code)
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
            await #expect(throws: PhoneAuthClientError.server(status: 403, code: "market_not_supported", message: AppError.marketNotSupported.message)) {
                try await api.sendCode(phone: "+44 20 7946 0958")
            }
            await #expect(throws: PhoneAuthClientError.server(status: 400, code: "invalid_code", message: AppError.invalidCode(attemptsRemaining: nil).message)) {
                try await api.verifyCode(phone: "+13125550100", code: "123456")
            }
        }
    }

    @Test func clientCoreReportsAnUnreachableServerAsTransport() async throws {
        let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:1")!, timeout: 5)
        do {
            _ = try await api.sendCode(phone: "+13125550100")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport = error else { Issue.record("expected transport, got \(error)"); return }
        }
    }

    @Test func clientcliSendsAndVerifiesACode() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let server = "http://127.0.0.1:\(client.port!)"
            let sent = try await CLIRunner.run(["send-code", "--server", server, "--phone", "+1 312 555 0100"])
            #expect(sent.status == 0, "\(sent.stderr)")
            #expect(sent.stdout.contains("code sent"))
            let code = try #require(harness.sms.lastCode(to: "+13125550100"))
            let verified = try await CLIRunner.run(["verify-code", "--server", server, "--phone", "+13125550100", "--code", code, "--json"])
            #expect(verified.status == 0)
            let json = try JSONSerialization.jsonObject(with: Data(verified.stdout.utf8)) as? [String: Any]
            #expect((json?["access_token"] as? String)?.split(separator: ".").count == 3)

            let refused = try await CLIRunner.run(["verify-code", "--server", server, "--phone", "+13125550100", "--code", code])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("invalid_code"))
        }
        let offline = try await CLIRunner.run(["send-code", "--server", "http://127.0.0.1:1", "--phone", "+13125550100"])
        #expect(offline.status == 3)
        #expect(offline.stderr.hasPrefix("clientcli: cannot reach the server"))
    }
}
