import Foundation

/// Why a network check gave no answer.
package enum NetworkCheckError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operator could not be reached, timed out, answered 5xx or 429, or its circuit is open.
    case unavailable(String)
    /// The operator refused this request (its CAMARA or OAuth error code), e.g. a device not on its mobile network.
    case refused(String)
    /// The operator does not serve this number (422, 404).
    case notApplicable(String)

    package var description: String {
        switch self {
        case .unavailable(let why): "operator unavailable: \(why)"
        case .refused(let code): "operator refused: \(code)"
        case .notApplicable(let code): "not applicable: \(code)"
        }
    }

    /// A short label for metrics and logs.
    package var label: String {
        switch self {
        case .unavailable: "unavailable"
        case .refused: "refused"
        case .notApplicable: "not_applicable"
        }
    }
}
