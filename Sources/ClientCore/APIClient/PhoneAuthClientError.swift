import Foundation

/// Why a call failed. Server refusals carry the server's code; transport failures and a missing sign-in are apart.
public enum PhoneAuthClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an error status; `code` is its stable error code (`invalid_code`, …).
    case server(status: Int, code: String, message: String)
    /// No answer: offline, refused, DNS.
    case transport(String)
    /// No answer within the request's timeout.
    case timeout
    /// No usable credentials: never signed in, or the session ended and a refresh failed.
    case notAuthenticated
    /// The server answered something this client does not understand.
    case unexpectedResponse(String)
    /// The server asks for a proof of work before it texts a code. `sendCode` solves it and asks again by itself;
    /// this is seen only when that was not possible (cancelled, or the challenge expired while solving).
    case challengeRequired(ProofOfWorkChallenge)

    public var description: String {
        switch self {
        case .server(let status, let code, let message): "server refused (\(status) \(code)): \(message)"
        case .transport(let reason): "cannot reach the server: \(reason)"
        case .timeout: "the server did not answer in time"
        case .notAuthenticated: "not logged in"
        case .unexpectedResponse(let reason): "unexpected response: \(reason)"
        case .challengeRequired: "the server asks for a sign-in check that could not be completed; try again"
        }
    }

    /// A 401 a refresh may cure.
    var callsForRefresh: Bool {
        if case .server(401, let code, _) = self { return code == "token_expired" || code == "token_stale" }
        return false
    }

    /// The server could not be reached: a cached copy may stand in.
    var isOffline: Bool {
        switch self {
        case .transport, .timeout: true
        default: false
        }
    }

    /// The refresh token itself was refused: the session is over.
    var endsSession: Bool {
        if case .server(401, _, _) = self { return true }
        return false
    }
}
