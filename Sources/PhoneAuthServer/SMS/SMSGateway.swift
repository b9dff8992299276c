import Logging

/// One text message to one phone.
struct SMSMessage: Sendable, CustomStringConvertible {
    let to: PhoneNumber
    let body: String
    /// Kept apart only for the development console; gateways must never log it.
    let code: String

    /// Safe to log: neither the body (it holds the code) nor the full number.
    var description: String { "SMS to \(to.masked)" }
}

/// Why a gateway could not deliver.
struct SMSError: Error, CustomStringConvertible, Equatable {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Where codes leave the building. Implementations must not block the caller's thread on network I/O.
protocol SMSGateway: Sendable {
    func send(_ message: SMSMessage, logger: Logger) async throws
}
