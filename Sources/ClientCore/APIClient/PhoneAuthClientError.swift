import Foundation

/// Why a call failed: the server said no (with its code), or the server could not be reached.
public enum PhoneAuthClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an error status; `code` is its stable error code (`invalid_code`, …).
    case server(status: Int, code: String, message: String)
    /// No usable answer: offline, refused, timed out.
    case transport(String)
    /// The server answered something this client does not understand.
    case unexpectedResponse(String)

    public var description: String {
        switch self {
        case .server(let status, let code, let message): "server refused (\(status) \(code)): \(message)"
        case .transport(let reason): "cannot reach the server: \(reason)"
        case .unexpectedResponse(let reason): "unexpected response: \(reason)"
        }
    }
}
