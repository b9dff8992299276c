import Crypto
import Foundation
import PhoneAuthCore

/// WhatsApp's status webhooks: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` over the
/// whole body, whose `entry[].changes[].value.statuses[]` each name a message (`id`) and its `status`.
package struct WhatsAppReceipts: Sendable {
    package let appSecret: String
    /// What the GET handshake must echo when Meta subscribes the URL.
    package let verifyToken: String
    package static let provider = "whatsapp-cloud"

    package init(appSecret: String, verifyToken: String) {
        (self.appSecret, self.verifyToken) = (appSecret, verifyToken)
    }

    package func isSigned(_ body: [UInt8], signature: String?) -> Bool {
        guard let signature, signature.hasPrefix("sha256="), let mac = Data(hex: String(signature.dropFirst(7))) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: SymmetricKey(data: Data(appSecret.utf8)))
    }

    /// `hub.challenge` when `hub.mode` is `subscribe` and `hub.verify_token` ours; nil otherwise.
    package func handshake(mode: String?, token: String?, challenge: String?) -> String? {
        guard mode == "subscribe", let token, let challenge, ConstantTime.equal(Array(token.utf8), Array(verifyToken.utf8)) else { return nil }
        return challenge
    }

    private struct Notification: Decodable {
        struct Entry: Decodable { var changes: [Change]? }
        struct Change: Decodable { var value: Value? }
        struct Value: Decodable { var statuses: [Status]? }
        struct Status: Decodable {
            struct Failure: Decodable { var code: Int? }
            var id: String
            var status: String
            var timestamp: String?
            var errors: [Failure]?
        }
        var entry: [Entry]?
    }

    /// The statuses a notification carries (messages and other fields are none of ours); nil when it is not JSON of this shape.
    package func receipts(in body: [UInt8], receivedAt: Date) -> [Receipt]? {
        guard let notification = try? JSONCoding.decoder.decode(Notification.self, from: Data(body)) else { return nil }
        return (notification.entry ?? []).flatMap { $0.changes ?? [] }.flatMap { $0.value?.statuses ?? [] }.compactMap { status in
            let state: DeliveryState? =
                switch status.status {
                case "sent": .sent
                case "delivered": .delivered
                case "read": .read
                case "failed": .failed
                default: nil
                }
            guard let state else { return nil }
            let at = status.timestamp.flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) ?? receivedAt
            return Receipt(
                provider: Self.provider, messageID: status.id, state: state, errorCode: status.errors?.first?.code.map(String.init), at: at)
        }
    }
}
