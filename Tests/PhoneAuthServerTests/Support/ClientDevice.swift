import Foundation
import Testing

@testable import ClientCore
@testable import PhoneAuthCore

/// Devices running ClientCore against a harness's live server: each a `PhoneAuthSession` with a token store of its
/// own, on the harness's clock.
extension TestHarness {
    func device(port: Int, transport: CountingTransport = CountingTransport()) -> PhoneAuthSession {
        let clock = clock
        return PhoneAuthSession(
            client: PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:\(port)")!, transport: transport), store: InMemoryTokenStore(),
            now: { clock.now })
    }

    /// Signs `session` in to `phone` with the code the recording gateway was given.
    func signIn(_ session: PhoneAuthSession, phone: String) async throws {
        let sent = try await session.client.sendCode(phone: phone)
        try await session.signIn(verificationID: sent.verificationID, code: try #require(sms.lastCode(to: phone)))
    }
}

/// What `stream` yields until `count` events arrived.
func collect(_ stream: AsyncStream<AuthStateChange>, count: Int) -> Task<[AuthStateChange], Never> {
    Task {
        var events: [AuthStateChange] = []
        for await event in stream {
            events.append(event)
            if events.count == count { break }
        }
        return events
    }
}
