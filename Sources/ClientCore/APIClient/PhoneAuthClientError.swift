import Foundation

/// Why a call failed. Server refusals carry the server's code; transport failures and a missing sign-in are apart.
public enum PhoneAuthClientError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The server answered with an error status; `code` is its stable error code (`invalid_code`, …), `details` what
    /// else it said (how many tries remain, when to come back, which field was wrong).
    case server(status: Int, code: String, message: String, details: ServerErrorDetails = .init())
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

    /// One line for people and logs.
    public var description: String {
        switch self {
        case .server(let status, let code, let message, let details):
            "server refused (\(status) \(code)): \(message)" + (details.hint.map { " (\($0))" } ?? "")
        case .transport(let reason): "cannot reach the server: \(reason)"
        case .timeout: "the server did not answer in time"
        case .notAuthenticated: "not logged in"
        case .unexpectedResponse(let reason): "unexpected response: \(reason)"
        case .challengeRequired: "the server asks for a sign-in check that could not be completed; try again"
        }
    }

    /// The server's error code, or nil when the error did not come from the server.
    public var code: String? {
        if case .server(_, let code, _, _) = self { return code }
        return nil
    }

    /// The server's error code as this build knows it; nil when the error did not come from the server or its code is
    /// newer than this build.
    public var errorCode: ErrorCode? {
        code.flatMap(ErrorCode.init(rawValue:))
    }

    /// How many more codes may be tried on this verification (`invalid_code`), when the server says.
    public var attemptsRemaining: Int? {
        if case .server(_, _, _, let details) = self { return details.attemptsRemaining }
        return nil
    }

    /// Seconds to wait before trying again (`resend_too_soon`, rate limits), when the server says.
    public var retryAfter: Int? {
        if case .server(_, _, _, let details) = self { return details.retryAfter }
        return nil
    }

    /// A 401 a refresh may cure.
    var callsForRefresh: Bool {
        if case .server(401, let code, _, _) = self { return code == ErrorCode.tokenExpired.rawValue || code == ErrorCode.tokenStale.rawValue }
        return false
    }

    /// The server could not be reached: a cached copy may stand in.
    var isOffline: Bool {
        switch self {
        case .transport, .timeout: true
        default: false
        }
    }

    /// The refresh itself was refused (any 4xx): these tokens cannot be renewed.
    var endsSession: Bool {
        if case .server(let status, _, _, _) = self { return (400..<500).contains(status) && status != 429 && status != 408 }
        return false
    }

    /// What this answer to a signed-in call says about the session: over because of a ban, over for another reason,
    /// or nothing (nil) when the session may well be alive.
    var signOutReason: SignOutReason? {
        guard case .server(let status, let code, _, _) = self else { return nil }
        if code == ErrorCode.accountDisabled.rawValue && (status == 401 || status == 403) { return .banned }
        if code == ErrorCode.accountDeleted.rawValue { return .accountDeleted }
        if status == 401 && !callsForRefresh { return .revoked }
        return nil
    }
}

/// What a server error said besides its code and message.
public struct ServerErrorDetails: Sendable, Equatable {
    /// The request field the error is about (`phone`, `verification_code`), when it names one.
    public var field: String?
    /// Tries left on this verification after a wrong code.
    public var attemptsRemaining: Int?
    /// Seconds until trying again can succeed (from `Retry-After` or the body's `retry_after`).
    public var retryAfter: Int?

    /// Details as the server's error body gave them.
    public init(field: String? = nil, attemptsRemaining: Int? = nil, retryAfter: Int? = nil) {
        (self.field, self.attemptsRemaining, self.retryAfter) = (field, attemptsRemaining, retryAfter)
    }

    /// What the numbers mean to a person ("try again in 55 s", "2 tries left"), or nil when there are none.
    var hint: String? {
        var parts: [String] = []
        if let attemptsRemaining { parts.append("\(attemptsRemaining) \(attemptsRemaining == 1 ? "try" : "tries") left") }
        if let retryAfter {
            parts.append(retryAfter < 120 ? "try again in \(retryAfter) s" : "try again in \((retryAfter + 59) / 60) min")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }
}
