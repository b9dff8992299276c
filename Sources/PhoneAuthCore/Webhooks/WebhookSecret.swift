import Foundation

/// A webhook endpoint's signing secret in the Standard Webhooks form, `whsec_` and the base64 of its bytes (24 to 64
/// of them; PhoneAuth makes 32).
package struct WebhookSecret: Sendable, Equatable {
    package static let prefix = "whsec_"
    package let bytes: [UInt8]

    package init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    package init(parsing text: String) throws {
        guard text.hasPrefix(Self.prefix), let data = Data(base64Encoded: String(text.dropFirst(Self.prefix.count))),
            (24...64).contains(data.count)
        else { throw ConfigError("a webhook secret is whsec_ and the base64 of 24 to 64 random bytes") }
        bytes = Array(data)
    }

    /// A new secret of 32 random bytes.
    package static func generate(_ random: any RandomSource) -> WebhookSecret {
        WebhookSecret(bytes: random.bytes(32))
    }

    package var text: String { Self.prefix + Data(bytes).base64EncodedString() }
}
