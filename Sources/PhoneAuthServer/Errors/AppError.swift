import Foundation
import HTTPTypes

/// Every failure a client can see. Each case knows its stable `code` and HTTP status here, in one place;
/// `ErrorMiddleware` turns it into `{"error":{"code","message",…}}`.
struct AppError: Error, Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case invalidPhone
        case marketNotSupported
        case invalidCode(attemptsRemaining: Int?)
        case tooManyAttempts
        case smsUnavailable
        case unauthorized
        case marketMismatch
        case invalidRequest(field: String?)
        case validationFailed(field: String)
        case payloadTooLarge
        case notFound
        case methodNotAllowed(allowed: [HTTPRequest.Method])
        case addressLimitReached
        case serviceUnavailable
        case internalError
        case resendTooSoon
        case phoneRateLimited
        case ipRateLimited
        case prefixRateLimited
        case verifyRateLimited
        case smsBudgetExhausted
        case phoneNotAllowed
        case idempotencyKeyInUse
        case idempotencyKeyReused
        case tokenExpired
        case tokenStale
        case invalidRefreshToken
        case refreshTokenReused
        case forbidden
        case preconditionFailed
        case accountDisabled
        case accountDisabledSession
        case unsupportedMediaType
        case headersTooLarge
        case networkRateLimited
        case storageUnavailable
        case invalidClient
        case challengeRequired(IssuedChallenge)
    }

    /// What a 428 carries: solve it (`ProofOfWork`) and repeat send-code with `challenge` and `solution`.
    struct IssuedChallenge: Equatable, Sendable {
        var token: String
        var difficulty: Int
        var expiresIn: Int
    }

    let kind: Kind
    let message: String
    /// Seconds for `Retry-After`, where waiting helps.
    private(set) var retryAfter: Int?

    init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The same error, telling the client when to come back.
    func retrying(after seconds: Int) -> AppError {
        var copy = self
        copy.retryAfter = max(1, seconds)
        return copy
    }

    static let invalidPhone = AppError(.invalidPhone, "The phone number is not a valid international number.")
    static let marketNotSupported = AppError(.marketNotSupported, "Phone numbers of this country are not served.")
    static let tooManyAttempts = AppError(.tooManyAttempts, "Too many wrong codes; request a new code.")
    static let smsUnavailable = AppError(.smsUnavailable, "The code could not be sent; try again shortly.")
    static let unauthorized = AppError(.unauthorized, "A valid access token is required.")
    static let marketMismatch = AppError(.marketMismatch, "This request names a market other than the token's.")
    static let payloadTooLarge = AppError(.payloadTooLarge, "The request body is larger than 16 KiB.")
    static let notFound = AppError(.notFound, "No such resource.")
    static let addressLimitReached = AppError(.addressLimitReached, "The address book is full.")
    static let serviceUnavailable = AppError(.serviceUnavailable, "The service is temporarily unavailable.")
    static let shuttingDown = AppError(.serviceUnavailable, "This instance is shutting down; send new requests elsewhere.")
    static let internalError = AppError(.internalError, "An internal error occurred.")
    static let resendTooSoon = AppError(.resendTooSoon, "A code was sent moments ago; wait before asking again.")
    static let phoneRateLimited = AppError(.phoneRateLimited, "Too many codes for this phone; try again later.")
    static let ipRateLimited = AppError(.ipRateLimited, "Too many codes from this network; try again later.")
    static let prefixRateLimited = AppError(.prefixRateLimited, "Too many codes for this number range; try again later.")
    static let verifyRateLimited = AppError(.verifyRateLimited, "Too many wrong codes for this phone; try again later.")
    static let smsBudgetExhausted = AppError(.smsBudgetExhausted, "Sign-in codes are paused for now; try again later.")
    static let phoneNotAllowed = AppError(.phoneNotAllowed, "Codes cannot be sent to this number range.")
    static let idempotencyKeyInUse = AppError(.idempotencyKeyInUse, "A request with this Idempotency-Key is still in progress.")
    static let idempotencyKeyReused = AppError(.idempotencyKeyReused, "This Idempotency-Key was used for another phone.")
    static let tokenExpired = AppError(.tokenExpired, "The access token has expired; refresh it.")
    static let tokenStale = AppError(.tokenStale, "The access token predates a change to this account; refresh it.")
    static let invalidRefreshToken = AppError(.invalidRefreshToken, "The refresh token is unknown, expired or revoked; sign in again.")
    static let refreshTokenReused = AppError(.refreshTokenReused, "This refresh token was already used; the session has been ended.")
    static let forbidden = AppError(.forbidden, "This needs a role the caller does not have.")
    static let accountDisabled = AppError(.accountDisabled, "This account is disabled.")
    /// The ban as a token or refresh token meets it: 401, so clients drop their tokens, with the ban's own code.
    static let accountDisabledSession = AppError(.accountDisabledSession, "This account is disabled; its sessions have ended.")
    static let unsupportedMediaType = AppError(.unsupportedMediaType, "The body must be JSON (Content-Type: application/json).")
    static let headersTooLarge = AppError(.headersTooLarge, "The request headers are larger than 16 KiB in all.")
    static let networkRateLimited = AppError(.networkRateLimited, "Too many wrong codes from this network; try again later.")
    static let challengesRateLimited = AppError(
        .networkRateLimited, "Too many sign-in checks were asked for from this network without being solved; try again later.")
    static let introspectionThrottled = AppError(
        .networkRateLimited, "Too many failed client authentications from this network; try again later.")
    static let storageUnavailable = AppError(.storageUnavailable, "The database is unavailable right now; nothing was changed. Try again shortly.")
    static let invalidClient = AppError(.invalidClient, "Introspection needs the credentials of a configured client (HTTP Basic).")
    static let preconditionFailed = AppError(.preconditionFailed, "The resource changed since it was read (If-Match); read it again.")

    static func invalidCode(attemptsRemaining: Int?) -> AppError {
        AppError(.invalidCode(attemptsRemaining: attemptsRemaining), "The code is wrong or has expired.")
    }

    /// `why` says what was wrong with a challenge the client sent, if it sent one.
    static func challengeRequired(_ challenge: IssuedChallenge, why: String? = nil) -> AppError {
        AppError(
            .challengeRequired(challenge),
            (why.map { $0 + " " } ?? "") + "Codes to this number range need a solved challenge first; solve this one and send the request again.")
    }

    static func invalidRequest(_ message: String, field: String? = nil) -> AppError {
        AppError(.invalidRequest(field: field), message)
    }

    static func validation(_ field: String, _ message: String) -> AppError {
        AppError(.validationFailed(field: field), message)
    }

    static func methodNotAllowed(_ allowed: [HTTPRequest.Method]) -> AppError {
        AppError(.methodNotAllowed(allowed: allowed), "This method is not allowed here.")
    }

    var code: String {
        switch kind {
        case .invalidPhone: "invalid_phone"
        case .marketNotSupported: "market_not_supported"
        case .invalidCode: "invalid_code"
        case .tooManyAttempts: "too_many_attempts"
        case .smsUnavailable: "sms_unavailable"
        case .unauthorized: "unauthorized"
        case .marketMismatch: "market_mismatch"
        case .invalidRequest: "invalid_request"
        case .validationFailed: "validation_failed"
        case .payloadTooLarge: "payload_too_large"
        case .notFound: "not_found"
        case .methodNotAllowed: "method_not_allowed"
        case .addressLimitReached: "address_limit_reached"
        case .serviceUnavailable: "service_unavailable"
        case .internalError: "internal_error"
        case .resendTooSoon: "resend_too_soon"
        case .phoneRateLimited: "phone_rate_limited"
        case .ipRateLimited: "ip_rate_limited"
        case .prefixRateLimited: "prefix_rate_limited"
        case .verifyRateLimited: "verify_rate_limited"
        case .smsBudgetExhausted: "sms_budget_exhausted"
        case .phoneNotAllowed: "phone_not_allowed"
        case .idempotencyKeyInUse: "idempotency_key_in_use"
        case .idempotencyKeyReused: "idempotency_key_reused"
        case .tokenExpired: "token_expired"
        case .tokenStale: "token_stale"
        case .invalidRefreshToken: "invalid_refresh_token"
        case .refreshTokenReused: "refresh_token_reused"
        case .forbidden: "forbidden"
        case .preconditionFailed: "precondition_failed"
        case .accountDisabled, .accountDisabledSession: "account_disabled"
        case .unsupportedMediaType: "unsupported_media_type"
        case .headersTooLarge: "request_header_fields_too_large"
        case .networkRateLimited: "network_rate_limited"
        case .storageUnavailable: "storage_unavailable"
        case .invalidClient: "invalid_client"
        case .challengeRequired: "challenge_required"
        }
    }

    var status: HTTPResponse.Status {
        switch kind {
        case .invalidPhone, .invalidCode, .invalidRequest, .validationFailed: .badRequest
        case .marketNotSupported, .marketMismatch, .phoneNotAllowed, .forbidden, .accountDisabled: .forbidden
        case .tooManyAttempts, .resendTooSoon, .phoneRateLimited, .ipRateLimited, .prefixRateLimited, .verifyRateLimited,
            .networkRateLimited:
            .tooManyRequests
        case .unsupportedMediaType: .unsupportedMediaType
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .smsUnavailable, .serviceUnavailable, .smsBudgetExhausted, .storageUnavailable: .serviceUnavailable
        case .idempotencyKeyInUse: .conflict
        case .preconditionFailed: .preconditionFailed
        case .idempotencyKeyReused: .unprocessableContent
        case .unauthorized, .tokenExpired, .tokenStale, .invalidRefreshToken, .refreshTokenReused, .accountDisabledSession, .invalidClient:
            .unauthorized
        case .payloadTooLarge: .contentTooLarge
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .addressLimitReached: .conflict
        case .internalError: .internalServerError
        case .challengeRequired: .preconditionRequired
        }
    }

    /// Headers the status calls for.
    var headers: HTTPFields {
        var fields = HTTPFields()
        switch kind {
        case .unauthorized, .tokenExpired, .tokenStale, .accountDisabledSession:
            fields[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        case .invalidClient:
            fields[.wwwAuthenticate] = #"Basic realm="phoneauth introspection""#
        case .methodNotAllowed(let allowed):
            fields[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        case .smsUnavailable, .serviceUnavailable:
            fields[.retryAfter] = String(retryAfter ?? 30)
        case .storageUnavailable:
            fields[.retryAfter] = String(retryAfter ?? 5)
        default:
            if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        }
        return fields
    }

    /// The JSON body, `{"error":{…}}`.
    var body: ErrorBody {
        var detail = ErrorBody.Detail(code: code, message: message, retryAfter: retryAfter)
        switch kind {
        case .invalidCode(let remaining): detail.attemptsRemaining = remaining
        case .invalidRequest(let field): detail.field = field
        case .validationFailed(let field): detail.field = field
        case .challengeRequired(let challenge):
            detail.challenge = challenge.token
            detail.difficulty = challenge.difficulty
            detail.expiresIn = challenge.expiresIn
        default: break
        }
        return ErrorBody(error: detail)
    }
}

struct ErrorBody: Codable, Sendable, Equatable {
    struct Detail: Codable, Sendable, Equatable {
        var code: String
        var message: String
        var field: String?
        var attemptsRemaining: Int?
        var retryAfter: Int?
        var challenge: String?
        var difficulty: Int?
        var expiresIn: Int?

        init(code: String, message: String, retryAfter: Int? = nil) {
            self.code = code
            self.message = message
            self.retryAfter = retryAfter
        }

        enum CodingKeys: String, CodingKey {
            case code, message, field
            case attemptsRemaining = "attempts_remaining"
            case retryAfter = "retry_after"
            case challenge, difficulty
            case expiresIn = "expires_in"
        }
    }

    var error: Detail
}
