import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Rotating a provider's credential with no code lost, as the README's "Rotating secrets" says: create the new one at
/// the provider while the old one still works (Twilio's secondary auth token), restart the instances onto it one at a
/// time, then revoke the old one. Two real server processes on one PostgreSQL database and a loopback Twilio that
/// checks each request's token: every send-code throughout is sent, each with the token its instance was given; an
/// instance still on the revoked token fails its sends with 503 rather than pretending.
@Suite struct ProviderCredentialRotationTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    @Test(arguments: backends)
    func aTwilioAuthTokenRotatesAcrossTheFleetWithoutALostCode(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let twilio = TwilioFake()
        let (old, new) = (TwilioFake.authToken, "twilio-rotated-token-\(UUID().uuidString)")
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            try await twilio.run { base in
                func start(_ token: String, port: Int? = nil) async throws -> Instance {
                    let twilioFlags = [
                        "--sms", "twilio", "--twilio-account-sid", TwilioFake.accountSID, "--twilio-auth-token", token,
                        "--twilio-from", "+15005550006", "--twilio-base-url", base, "--max-sends-per-ip-hour", "1000",
                    ]
                    return try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: twilioFlags, port: port)
                }
                var fleet = [try await start(old), try await start(old)]
                var phone = 0
                /// One send-code through each instance (each into a range of its own, below the fraud defence's allowance):
                /// every one is sent, with the tokens given.
                func everyInstanceSends(_ tokens: [String], _ step: String) async throws {
                    let before = twilio.tokensUsed.count
                    for instance in fleet {
                        phone += 1
                        let sent = try await instance.request("POST", "/auth/send-code", json: ["phone": "+1\(220 + phone)5550100"])
                        #expect(sent.status == 202, "\(step): \(sent.status) \(sent.errorCode ?? "")")
                    }
                    #expect(Array(twilio.tokensUsed.dropFirst(before)) == tokens, "\(step)")
                }
                do {
                    try await everyInstanceSends([old, old], "before")
                    // 1. The new token is created at Twilio beside the old one.
                    twilio.accept([old, new])
                    try await everyInstanceSends([old, old], "both live")
                    // 2. Each instance restarted onto the new token, in turn.
                    for index in fleet.indices {
                        let port = fleet[index].port
                        await fleet[index].stop()
                        fleet[index] = try await start(new, port: port)
                        try await everyInstanceSends(fleet.indices.map { $0 <= index ? new : old }, "instance \(index) rolled")
                    }
                    // 3. The old token is revoked: nothing notices.
                    twilio.accept([new])
                    try await everyInstanceSends([new, new], "old revoked")
                    // An instance someone forgot is refused by Twilio, and says so.
                    let forgotten = try await start(old)
                    fleet.append(forgotten)
                    let refused = try await forgotten.request("POST", "/auth/send-code", json: ["phone": "+13125559999"])
                    #expect(refused.status == 503)
                    #expect(refused.errorCode == "sms_unavailable")
                } catch {
                    for instance in fleet { await instance.stop() }
                    throw error
                }
                for instance in fleet { await instance.stop() }
            }
        }
        #expect(twilio.messages.count == 10)
    }
}
