import Crypto
import Foundation
import PhoneAuthCore

/// Telegram Gateway's delivery reports: a `RequestStatus` body, `X-Request-Timestamp`, and `X-Request-Signature`, the
/// hex HMAC-SHA256 of `timestamp + "\n" + body` keyed with the SHA-256 of the API token. A report older (or newer)
/// than `maxAge` is refused as a replay.
package struct TelegramReceipts: Sendable {
    private let key: SymmetricKey
    package let maxAge: TimeInterval
    package static let provider = "telegram-gateway"

    package init(token: String, maxAge: TimeInterval = 300) {
        key = SymmetricKey(data: SHA256.hash(data: Data(token.utf8)))
        self.maxAge = maxAge
    }

    package func isSigned(_ body: [UInt8], timestamp: String?, signature: String?, now: Date) -> Bool {
        guard let timestamp, let seconds = TimeInterval(timestamp), abs(now.timeIntervalSince1970 - seconds) <= maxAge, let signature,
            let mac = Data(hex: signature)
        else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(timestamp.utf8) + [0x0A] + body, using: key)
    }

    private struct RequestStatus: Decodable {
        struct Delivery: Decodable {
            var status: String
            var updatedAt: Int?
            enum CodingKeys: String, CodingKey {
                case status
                case updatedAt = "updated_at"
            }
        }
        var requestID: String
        var deliveryStatus: Delivery?
        enum CodingKeys: String, CodingKey {
            case requestID = "request_id"
            case deliveryStatus = "delivery_status"
        }
    }

    /// The report's receipt (none for a status that says nothing of delivery); nil when the body is not a RequestStatus.
    package func receipts(in body: [UInt8], receivedAt: Date) -> [Receipt]? {
        guard let status = try? JSONCoding.decoder.decode(RequestStatus.self, from: Data(body)) else { return nil }
        guard let delivery = status.deliveryStatus else { return [] }
        let state: DeliveryState? =
            switch delivery.status {
            case "sent": .sent
            case "delivered": .delivered
            case "read": .read
            // Deleted unread after its ttl: the person never saw the code.
            case "expired": .undelivered
            default: nil
            }
        guard let state else { return [] }
        let at = delivery.updatedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? receivedAt
        return [
            Receipt(provider: Self.provider, messageID: status.requestID, state: state, errorCode: state.isFailure ? delivery.status : nil, at: at)
        ]
    }
}
