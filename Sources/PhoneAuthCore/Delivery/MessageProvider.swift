import Foundation

/// Why one attempt at one provider failed, which decides what happens next.
package enum DeliveryFailure: Error, Equatable, CustomStringConvertible {
    /// Worth retrying: connection failure, timeout, 5xx, throttling.
    case transient(String, retryAfter: Duration?)
    /// This provider will not send it (authentication, a 4xx): try the next provider.
    case rejected(String)
    /// The provider says the number cannot receive SMS: no provider will do better.
    case invalidNumber(String)
    /// The provider may not send to this country.
    case regionRefused(String)
    /// The number has no account on this channel (not on WhatsApp or Telegram): another channel may still reach it.
    case unreachable(String)

    package var description: String {
        switch self {
        case .transient(let reason, _), .rejected(let reason), .invalidNumber(let reason), .regionRefused(let reason), .unreachable(let reason):
            reason
        }
    }

    /// The usual reading of an HTTP status when the body says nothing more specific.
    package static func fromStatus(_ status: Int, retryAfter: Duration?, provider: String) -> DeliveryFailure {
        switch status {
        case 429: .transient("\(provider) throttled (HTTP 429)", retryAfter: retryAfter)
        case 500...599: .transient("\(provider) answered HTTP \(status)", retryAfter: retryAfter)
        default: .rejected("\(provider) answered HTTP \(status)")
        }
    }

    /// A transport error (refused, DNS, timeout) is always worth another try.
    package static func transport(_ error: any Error, provider: String) -> DeliveryFailure {
        .transient("\(provider) transport error: \(error)", retryAfter: nil)
    }
}

/// How long one attempt may take.
package struct AttemptLimits: Sendable, Equatable {
    package var connectTimeout: Duration
    package var timeout: Duration
}

/// One provider of one channel (Twilio SMS, SNS, a webhook, WhatsApp Cloud, Telegram Gateway, Twilio Calls): one
/// attempt, classified. Retries and failover are `FailoverDispatcher`'s.
package protocol MessageProvider: Sendable {
    var name: String { get }
    var channel: DeliveryChannel { get }
    /// Returns the provider's message id, which its receipts name; nil when it gives none.
    func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String?
}
