import Foundation
import Testing

@testable import PhoneAuthCore

/// PhoneAuth's webhook signatures verify with the `standardwebhooks` package from PyPI, a verifier nobody here wrote:
/// with the one secret, and during a rotation with either of the two; a tampered body, another secret or an old
/// timestamp do not.
@Suite struct WebhookSignatureTests {
    /// Runs the PyPI verifier on `body` with `headers` and `secret`; its verdict.
    private func verify(_ body: String, _ signature: WebhookSignature, secret: String) async throws -> String {
        let script = """
            import json, sys
            from standardwebhooks.webhooks import Webhook, WebhookVerificationError
            payload = json.loads(sys.stdin.read())
            try:
                Webhook(payload["secret"]).verify(payload["body"].encode(), payload["headers"])
                print("verified")
            except WebhookVerificationError as error:
                print("refused: " + str(error))
            """
        let input = try JSONSerialization.data(withJSONObject: [
            "secret": secret, "body": body, "headers": Dictionary(uniqueKeysWithValues: signature.headers.map { ($0.name, $0.value) }),
        ])
        let run = try await CLIRunner.run(
            ["python3", "-c", script], executable: URL(fileURLWithPath: "/usr/bin/env"), input: String(decoding: input, as: UTF8.self))
        #expect(run.status == 0, "\(run.stderr)")
        return run.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func signaturesVerifyWithTheStandardWebhooksLibrary() async throws {
        let (old, new) = (WebhookSecret.generate(SystemRandomSource()), WebhookSecret.generate(SystemRandomSource()))
        #expect(try WebhookSecret(parsing: new.text) == new)
        let body = #"{"data":{"market":"kg","user_id":7},"timestamp":"2026-12-07T20:00:00.000Z","type":"user.signed_in"}"#
        let now = Int(Date().timeIntervalSince1970)
        let one = WebhookSignature(id: "evt_41", timestamp: now, body: Array(body.utf8), secrets: [new])
        #expect(try await verify(body, one, secret: new.text) == "verified")
        #expect(try await verify(body, one, secret: old.text).hasPrefix("refused"))
        #expect(try await verify(body.replacingOccurrences(of: "kg", with: "us"), one, secret: new.text).hasPrefix("refused"))
        // A rotation: both secrets sign, so a receiver still holding the old one verifies, and so does one with the new.
        let both = WebhookSignature(id: "evt_42", timestamp: now, body: Array(body.utf8), secrets: [new, old])
        #expect(try await verify(body, both, secret: old.text) == "verified")
        #expect(try await verify(body, both, secret: new.text) == "verified")
        // Replayed an hour later: too old.
        let stale = WebhookSignature(id: "evt_43", timestamp: now - 3_600, body: Array(body.utf8), secrets: [new])
        #expect(try await verify(body, stale, secret: new.text).hasPrefix("refused"))
        #expect(throws: ConfigError.self) { try WebhookSecret(parsing: "whsec_c2hvcnQ=") }
    }
}
