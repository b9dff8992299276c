import Crypto
import Foundation

/// The headers of one Standard Webhooks delivery (https://www.standardwebhooks.com): `webhook-id` (the same for every
/// retry of one message, so receivers can drop repeats), `webhook-timestamp` (seconds since 1970, when it was sent) and
/// `webhook-signature`, `v1,` and the base64 HMAC-SHA256 of `id.timestamp.body` under each secret in force,
/// space-separated (during a rotation, the new secret's first and the old one's after it, so a receiver holding either
/// verifies).
package struct WebhookSignature: Sendable, Equatable {
    package let id: String
    package let timestamp: Int
    package let signature: String

    package init(id: String, timestamp: Int, body: [UInt8], secrets: [WebhookSecret]) {
        (self.id, self.timestamp) = (id, timestamp)
        var signed = Array("\(id).\(timestamp).".utf8)
        signed += body
        signature = secrets.map { secret in
            let mac = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: secret.bytes))
            return "v1," + Data(mac).base64EncodedString()
        }.joined(separator: " ")
    }

    /// The three headers, as name and value.
    package var headers: [(name: String, value: String)] {
        [("webhook-id", id), ("webhook-timestamp", String(timestamp)), ("webhook-signature", signature)]
    }
}
