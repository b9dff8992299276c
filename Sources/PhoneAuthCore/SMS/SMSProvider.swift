import Foundation

/// Why one attempt at one provider failed, which decides what happens next.
package enum SMSFailure: Error, Equatable, CustomStringConvertible {
    /// Worth retrying: connection failure, timeout, 5xx, throttling.
    case transient(String, retryAfter: Duration?)
    /// This provider will not send it (authentication, a 4xx): try the next provider.
    case rejected(String)
    /// The provider says the number cannot receive SMS: no provider will do better.
    case invalidNumber(String)
    /// The provider may not send to this country.
    case regionRefused(String)

    package var description: String {
        switch self {
        case .transient(let reason, _), .rejected(let reason), .invalidNumber(let reason), .regionRefused(let reason): reason
        }
    }

    /// The usual reading of an HTTP status when the body says nothing more specific.
    package static func fromStatus(_ status: Int, retryAfter: Duration?, provider: String) -> SMSFailure {
        switch status {
        case 429: .transient("\(provider) throttled (HTTP 429)", retryAfter: retryAfter)
        case 500...599: .transient("\(provider) answered HTTP \(status)", retryAfter: retryAfter)
        default: .rejected("\(provider) answered HTTP \(status)")
        }
    }

    /// A transport error (refused, DNS, timeout) is always worth another try.
    package static func transport(_ error: any Error, provider: String) -> SMSFailure {
        .transient("\(provider) transport error: \(error)", retryAfter: nil)
    }
}

/// How long one attempt may take.
package struct AttemptLimits: Sendable, Equatable {
    package var connectTimeout: Duration
    package var timeout: Duration
}

/// One SMS provider (Twilio, SNS, a webhook…): one attempt, classified. Retries and failover are `SMSDispatcher`'s.
package protocol SMSProvider: Sendable {
    var name: String { get }
    /// Returns the provider's message id.
    func send(_ message: SMSMessage, limits: AttemptLimits) async throws(SMSFailure) -> String
}
