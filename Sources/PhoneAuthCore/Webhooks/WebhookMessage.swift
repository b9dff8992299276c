import Foundation

/// What an endpoint receives for an event: `{"type", "timestamp", "data"}`, `data` holding the event's id, the ids and
/// market it concerns, what the event itself carries (a blocked range's prefix), and the user's phone number only for
/// an endpoint configured to receive it. Never a code or a token. Its `webhook-id` is `evt_` and the log id, the same
/// on every retry, so receivers can drop a repeat.
package struct WebhookMessage: Sendable, Equatable {
    package let id: String
    package let type: String
    package let body: String

    /// A message as stored (a dead letter sent again).
    package init(id: String, type: String, body: String) {
        (self.id, self.type, self.body) = (id, type, body)
    }

    package init(_ event: AuthEvent, market: String?, phone: String?) {
        id = "evt_\(event.id)"
        type = event.kind.rawValue
        var data: [String: Any] = ["event_id": event.id]
        if let user = event.userID { data["user_id"] = user }
        if let session = event.sessionID { data["session_id"] = session }
        if let market = event.market ?? market { data["market"] = market }
        if let phone { data["phone"] = phone }
        if let extra = event.data.flatMap({ try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }) {
            data.merge(extra) { ours, _ in ours }
        }
        let message: [String: Any] = ["type": type, "timestamp": Self.timestamp(event.at), "data": data]
        let bytes = (try? JSONSerialization.data(withJSONObject: message, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        body = String(decoding: bytes, as: UTF8.self)
    }

    /// RFC 3339 in UTC with milliseconds (a format style is a value: nothing to make per message or to share).
    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
