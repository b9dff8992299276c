import Foundation
import Testing

@testable import ClientCore
@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// ClientCore and clientcli sign in without a text where the operator confirms the number (here the loopback
/// operator stands in for the mobile network the device is on), and fall back to a code otherwise.
@Suite struct SilentSignInClientTests {
    @Test func clientCoreSignsInSilentlyAndSaysWhenToSendACodeInstead() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = SilentSignInTests.phone }
        try await fake.run { base in
            let harness = try await SilentSignInTests.harness(.sqlite, fake, base)
            harness.clock.set(Date())
            try await harness.test(.live) { client in
                let device = harness.device(port: client.port!)
                guard case .signedIn(let user, let previous) = try await device.signInSilently(phone: SilentSignInTests.phone) else {
                    Issue.record("not signed in silently")
                    return
                }
                #expect(user.phoneNumber == SilentSignInTests.phone)
                #expect(previous == nil)
                #expect(try await device.profile().id == user.id)
                #expect(harness.sms.sent.isEmpty)

                // A device whose SIM is another number's, and a market with no operator: send a code.
                fake.fixtures.withLock { $0.deviceNumber = "+996555100029" }
                #expect(
                    try await harness.device(port: client.port!).signInSilently(phone: SilentSignInTests.phone)
                        == .sendCode(reason: "network_verification_failed"))
                #expect(try await harness.device(port: client.port!).signInSilently(phone: "+13125550121") == .sendCode(reason: "no_operator"))
                // Off the mobile network the operator redirects with an error and no code.
                fake.fixtures.withLock { $0.deviceNumber = nil }
                #expect(
                    try await harness.device(port: client.port!).signInSilently(phone: SilentSignInTests.phone)
                        == .sendCode(reason: "network_declined"))
            }
        }
    }

    @Test func clientcliLogsInSilentlyWithTheSilentFlag() async throws {
        let fake = try await FakeOperator()
        fake.fixtures.withLock { $0.deviceNumber = SilentSignInTests.phone }
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-silent-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: home) }
        try await fake.run { base in
            let harness = try await SilentSignInTests.harness(.sqlite, fake, base)
            harness.clock.set(Date())
            try await harness.test(.live) { client in
                let server = "http://127.0.0.1:\(client.port!)"
                let login = try await CLIRunner.run(
                    ["login", "--phone", SilentSignInTests.phone, "--silent", "--server", server], environment: ["PHONEAUTH_HOME": home])
                #expect(login.status == 0, "\(login.stderr)")
                #expect(login.stdout.contains("signed in as user"))
                #expect(harness.sms.sent.isEmpty)
                let me = try await CLIRunner.run(["me", "--json", "--server", server], environment: ["PHONEAUTH_HOME": home])
                #expect(me.stdout.contains(SilentSignInTests.phone))
            }
        }
    }
}
