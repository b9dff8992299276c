/// Every error's body, `{"error":{"code","message",…}}`: a stable ``ErrorCode`` for programs, a sentence for people,
/// and the details some errors carry.
public struct ErrorBody: Codable, Sendable, Equatable {
    /// What went wrong.
    public struct Detail: Codable, Sendable, Equatable {
        /// The stable code, one of ``ErrorCode``'s raw values (a newer server may send one this build does not know).
        public var code: String
        /// What happened and what to do, for people.
        public var message: String
        /// The request field the error is about (`invalid_request`, `validation_failed`).
        public var field: String?
        /// Tries left on this verification (`invalid_code`).
        public var attemptsRemaining: Int?
        /// Seconds until trying again can succeed, as the `Retry-After` header says.
        public var retryAfter: Int?
        /// The proof-of-work challenge to solve (`challenge_required`).
        public var challenge: String?
        /// Its difficulty in leading zero bits (`challenge_required`).
        public var difficulty: Int?
        /// Seconds the challenge may be solved in (`challenge_required`).
        public var expiresIn: Int?

        /// An error with `code` and `message`; the details are set where they apply.
        public init(code: ErrorCode, message: String, retryAfter: Int? = nil) {
            self.code = code.rawValue
            self.message = message
            self.retryAfter = retryAfter
        }

        /// ``code`` as this build knows it, nil for a code it does not.
        public var errorCode: ErrorCode? { ErrorCode(rawValue: code) }

        package enum CodingKeys: String, CodingKey {
            case code, message, field
            case attemptsRemaining = "attempts_remaining"
            case retryAfter = "retry_after"
            case challenge, difficulty
            case expiresIn = "expires_in"
        }
    }

    /// The error.
    public var error: Detail

    /// The body of `error`.
    public init(error: Detail) {
        self.error = error
    }
}
