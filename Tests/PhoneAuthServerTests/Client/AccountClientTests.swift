import Foundation
import HummingbirdTesting
import Testing

@testable import ClientCore
@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The account through ClientCore and clientcli: export, delete after a fresh sign-in, and every device hearing that
/// the account is gone.
@Suite final class AccountClientTests: Sendable {
    static let phone = "+13125550171"
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-account-\(UUID().uuidString)")

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    @Test func aDeviceExportsThenDeletesAfterAFreshSignInAndTheOtherDeviceHearsIt() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let phone = harness.device(port: client.port!)
            let tablet = harness.device(port: client.port!)
            try await harness.signIn(phone, phone: Self.phone)
            try await harness.signIn(tablet, phone: Self.phone)

            let document = try JSONSerialization.jsonObject(with: try await phone.exportData()) as? [String: Any]
            #expect((document?["profile"] as? [String: Any])?["phone_number"] as? String == Self.phone)
            #expect((document?["sessions"] as? [Any])?.count == 2)

            // Past the step-up window the server asks for a fresh sign-in; the session stays signed in.
            harness.clock.advance(by: 301)
            await #expect(throws: PhoneAuthClientError.self) { try await phone.deleteAccount() }
            do { try await phone.deleteAccount() } catch { #expect((error as? PhoneAuthClientError)?.code == "step_up_required") }
            #expect(try await phone.credentials() != nil)

            let tabletEvents = collect(await tablet.authStateChanges(), count: 2)
            let phoneEvents = collect(await phone.authStateChanges(), count: 3)
            try await Task.sleep(for: .milliseconds(50))
            try await harness.signIn(phone, phone: Self.phone)
            try await phone.deleteAccount()
            #expect(try await phone.credentials() == nil)
            #expect(await phoneEvents.value.last == .signedOut(.accountDeleted))
            // The other device learns it on its next call, once.
            await #expect(throws: PhoneAuthClientError.self) { try await tablet.profile() }
            #expect(await tabletEvents.value.last == .signedOut(.accountDeleted))
            #expect(try await tablet.credentials() == nil)
        }
    }

    @Test func aDeviceMovesTheAccountToAnotherNumberAndTheOtherDeviceIsSignedOut() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let phone = harness.device(port: client.port!)
            let tablet = harness.device(port: client.port!)
            try await harness.signIn(phone, phone: Self.phone)
            try await harness.signIn(tablet, phone: Self.phone)
            let phoneEvents = collect(await phone.authStateChanges(), count: 2)
            let tabletEvents = collect(await tablet.authStateChanges(), count: 2)
            let sent = try await phone.changePhone(to: "+13125550172")
            #expect(sent.channel == .sms)
            let code = try #require(harness.sms.lastCode(to: "+13125550172"))
            let profile = try await phone.confirmPhoneChange(verificationID: sent.verificationID, code: code)
            #expect(profile.phoneNumber == "+13125550172")
            #expect(await phoneEvents.value.last == .phoneChanged(profile))
            #expect(try await phone.profile().phoneNumber == "+13125550172")
            await #expect(throws: PhoneAuthClientError.self) { try await tablet.profile() }
            #expect(await tabletEvents.value.last == .signedOut(.revoked))
        }
    }

    @Test func clientcliExportsToAPrivateFileAndDeletesWithYes() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let port = try MotoServer.freePort()
            let database = self.folder.appendingPathComponent("server/phoneauth.sqlite").path
            let arguments = ["--database", database, "--sms", "webhook", "--sms-webhook-url", webhook + "/ok", "--sms-webhook-secret", "s"]
            let server = try await ServerProcess.start(port: port, arguments: arguments)
            let environment = ["PHONEAUTH_HOME": self.folder.appendingPathComponent("home").path]
            let cli = { (arguments: [String]) in
                try await CLIRunner.run(arguments + ["--server", "http://127.0.0.1:\(port)"], environment: environment)
            }
            #expect(try await cli(["send-code", "--phone", Self.phone]).status == 0)
            let code = try #require(receiver.lastCode)
            #expect(try await cli(["login", "--phone", Self.phone, "--code", code]).status == 0)

            // A number change in two steps, without a terminal: the id, then the code.
            let asked = try await cli(["account", "change-number", "--phone", "+13125550173", "--json"])
            #expect(asked.status == 0, "\(asked.stderr)")
            let id = try #require((try JSONSerialization.jsonObject(with: Data(asked.stdout.utf8)) as? [String: Any])?["verification_id"] as? String)
            let newCode = try #require(receiver.lastCode(to: "+13125550173"))
            let moved = try await cli(["account", "change-number", "--verification-id", id, "--code", newCode])
            #expect(moved.status == 0, "\(moved.stderr)")
            #expect(moved.stdout.contains("now +13125550173"))

            let file = self.folder.appendingPathComponent("export.json").path
            let exported = try await cli(["account", "export", "--output", file])
            #expect(exported.status == 0, "\(exported.stderr)")
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            #expect(try String(contentsOfFile: file, encoding: .utf8).contains("+13125550173"))

            // Without a terminal, deleting needs --yes.
            let unconfirmed = try await cli(["account", "delete"])
            #expect(unconfirmed.status == 64)
            let deleted = try await cli(["account", "delete", "--yes"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stdout.contains("account deleted"))
            #expect(deleted.stdout.contains("+13125550173"))
            #expect(try await cli(["me"]).status == 2)
            await server.stop()
        }
    }
}
