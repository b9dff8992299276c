import Logging

/// One text message to one phone.
package struct SMSMessage: Sendable, CustomStringConvertible {
    package let to: PhoneNumber
    package let body: String
    /// Kept apart only for the development console; gateways must never log it.
    package let code: String

    /// Safe to log: neither the body (it holds the code) nor the full number.
    package var description: String { "SMS to \(to.masked)" }
}

/// Where codes leave the building (`SMSDispatcher` in production). It throws `AppError` for what the client should hear
/// (`invalid_phone`, `market_not_supported`, `sms_unavailable`). Implementations must not block the caller's thread.
package protocol SMSGateway: Sendable {
    func send(_ message: SMSMessage, logger: Logger) async throws
}
