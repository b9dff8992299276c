import Foundation
import PhoneAuthAPI

/// Every failure a client can see. Each case knows its stable `code` here, and its HTTP status in the server's
/// `AppError+HTTP`, each in one place; the server's `ErrorMiddleware` turns it into `{"error":{"code","message",…}}`.
package struct AppError: Error, Equatable, Sendable {
    package enum Kind: Equatable, Sendable {
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
        /// `allowed`: the methods the path answers (`Allow`), as HTTP spells them.
        case methodNotAllowed(allowed: [String])
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
        case channelNotOffered
        case channelUnreachable
        case channelRateLimited
        case channelBudgetExhausted
        case invalidSignature
        case stepUpRequired
        case numberQuarantined
        case accountDeleted
        case phoneTaken
        case phoneChangeTooSoon
        case simSwapDetected
        case networkCheckUnavailable
        case networkVerificationFailed
    }

    /// What a 428 carries: solve it (`ProofOfWork`) and repeat send-code with `challenge` and `solution`.
    package struct IssuedChallenge: Equatable, Sendable {
        package var token: String
        package var difficulty: Int
        package var expiresIn: Int
    }

    package let kind: Kind
    package let message: String
    /// Seconds for `Retry-After`, where waiting helps.
    package private(set) var retryAfter: Int?

    package init(_ kind: Kind, _ message: String, retryAfter: Int? = nil) {
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    /// The same error, telling the client when to come back.
    package func retrying(after seconds: Int) -> AppError {
        var copy = self
        copy.retryAfter = max(1, seconds)
        return copy
    }

    package static let invalidPhone = AppError(.invalidPhone, "The phone number is not a valid international number.")
    package static let marketNotSupported = AppError(.marketNotSupported, "Phone numbers of this country are not served.")
    package static let tooManyAttempts = AppError(.tooManyAttempts, "Too many wrong codes; request a new code.")
    package static let smsUnavailable = AppError(.smsUnavailable, "The code could not be sent; try again shortly.")
    package static let unauthorized = AppError(.unauthorized, "A valid access token is required.")
    package static let marketMismatch = AppError(.marketMismatch, "This request names a market other than the token's.")
    package static let payloadTooLarge = AppError(.payloadTooLarge, "The request body is larger than 16 KiB.")
    package static let notFound = AppError(.notFound, "No such resource.")
    package static let addressLimitReached = AppError(.addressLimitReached, "The address book is full.")
    package static let serviceUnavailable = AppError(.serviceUnavailable, "The service is temporarily unavailable.")
    package static let shuttingDown = AppError(.serviceUnavailable, "This instance is shutting down; send new requests elsewhere.")
    package static let internalError = AppError(.internalError, "An internal error occurred.")
    package static let resendTooSoon = AppError(.resendTooSoon, "A code was sent moments ago; wait before asking again.")
    package static let phoneRateLimited = AppError(.phoneRateLimited, "Too many codes for this phone; try again later.")
    package static let ipRateLimited = AppError(.ipRateLimited, "Too many codes from this network; try again later.")
    package static let prefixRateLimited = AppError(.prefixRateLimited, "Too many codes for this number range; try again later.")
    package static let verifyRateLimited = AppError(.verifyRateLimited, "Too many wrong codes for this phone; try again later.")
    package static let smsBudgetExhausted = AppError(.smsBudgetExhausted, "Sign-in codes are paused for now; try again later.")
    package static let phoneNotAllowed = AppError(.phoneNotAllowed, "Codes cannot be sent to this number range.")
    package static let idempotencyKeyInUse = AppError(.idempotencyKeyInUse, "A request with this Idempotency-Key is still in progress.")
    package static let idempotencyKeyReused = AppError(.idempotencyKeyReused, "This Idempotency-Key was used for another phone.")
    package static let invalidSignature = AppError(.invalidSignature, "The signature does not match the body.")
    package static let channelNotOffered = AppError(.channelNotOffered, "Codes are not sent by this channel in this number's market.")
    package static let channelUnreachable = AppError(
        .channelUnreachable, "This number cannot get codes by this channel (no such account there); ask for another channel.")
    package static let channelRateLimited = AppError(
        .channelRateLimited, "Too many codes by this channel for this phone; ask for another channel or try again later.")
    package static let channelBudgetExhausted = AppError(
        .channelBudgetExhausted, "Codes by this channel are paused for now; ask for another channel or try again later.")
    package static let stepUpRequired = AppError(
        .stepUpRequired, "Deleting the account needs a fresh sign-in: enter a code sent to this account's number, then ask again.")
    package static let phoneTaken = AppError(
        .phoneTaken, "Another account holds this number; it cannot be moved to. Nothing was changed or merged.")
    package static let phoneChangeTooSoon = AppError(.phoneChangeTooSoon, "The number of this account was changed recently; try again later.")
    package static let accountDeleted = AppError(.accountDeleted, "This account was deleted; its sessions have ended.")
    package static let simSwapDetected = AppError(
        .simSwapDetected,
        "This number's SIM card changed recently, so a code sent to it cannot open the account now. Sign in on a device that is already "
            + "signed in, or contact support.")
    package static let networkVerificationFailed = AppError(
        .networkVerificationFailed, "The mobile network did not confirm this number on this device; send a code instead.")
    package static let networkCheckUnavailable = AppError(
        .networkCheckUnavailable, "The mobile network could not confirm this number's SIM card; try again in a minute.", retryAfter: 60)
    package static func numberQuarantined(until: Date, now: Date) -> AppError {
        AppError(
            .numberQuarantined,
            "This number left another account recently; it can sign up a new account from \(until.ISO8601Format(.iso8601.year().month().day())).",
            retryAfter: max(1, Int(until.timeIntervalSince(now).rounded(.up))))
    }
    package static let tokenExpired = AppError(.tokenExpired, "The access token has expired; refresh it.")
    package static let tokenStale = AppError(.tokenStale, "The access token predates a change to this account; refresh it.")
    package static let invalidRefreshToken = AppError(.invalidRefreshToken, "The refresh token is unknown, expired or revoked; sign in again.")
    package static let refreshTokenReused = AppError(.refreshTokenReused, "This refresh token was already used; the session has been ended.")
    package static let forbidden = AppError(.forbidden, "This needs a role the caller does not have.")
    package static let accountDisabled = AppError(.accountDisabled, "This account is disabled.")
    /// The ban as a token or refresh token meets it: 401, so clients drop their tokens, with the ban's own code.
    package static let accountDisabledSession = AppError(.accountDisabledSession, "This account is disabled; its sessions have ended.")
    package static let unsupportedMediaType = AppError(.unsupportedMediaType, "The body must be JSON (Content-Type: application/json).")
    package static let headersTooLarge = AppError(.headersTooLarge, "The request headers are larger than 16 KiB in all.")
    package static let networkRateLimited = AppError(.networkRateLimited, "Too many wrong codes from this network; try again later.")
    package static let challengesRateLimited = AppError(
        .networkRateLimited, "Too many sign-in checks were asked for from this network without being solved; try again later.")
    package static let introspectionThrottled = AppError(
        .networkRateLimited, "Too many failed client authentications from this network; try again later.")
    package static let storageUnavailable = AppError(
        .storageUnavailable, "The database is unavailable right now; nothing was changed. Try again shortly.")
    package static let invalidClient = AppError(.invalidClient, "Introspection needs the credentials of a configured client (HTTP Basic).")
    package static let preconditionFailed = AppError(.preconditionFailed, "The resource changed since it was read (If-Match); read it again.")

    package static func invalidCode(attemptsRemaining: Int?) -> AppError {
        AppError(.invalidCode(attemptsRemaining: attemptsRemaining), "The code is wrong or has expired.")
    }

    /// `why` says what was wrong with a challenge the client sent, if it sent one.
    package static func challengeRequired(_ challenge: IssuedChallenge, why: String? = nil) -> AppError {
        AppError(
            .challengeRequired(challenge),
            (why.map { $0 + " " } ?? "") + "Codes to this number range need a solved challenge first; solve this one and send the request again.")
    }

    package static func invalidRequest(_ message: String, field: String? = nil) -> AppError {
        AppError(.invalidRequest(field: field), message)
    }

    package static func validation(_ field: String, _ message: String) -> AppError {
        AppError(.validationFailed(field: field), message)
    }

    package static func methodNotAllowed(_ allowed: [String]) -> AppError {
        AppError(.methodNotAllowed(allowed: allowed), "This method is not allowed here.")
    }

    package var code: ErrorCode {
        switch kind {
        case .invalidPhone: .invalidPhone
        case .marketNotSupported: .marketNotSupported
        case .invalidCode: .invalidCode
        case .tooManyAttempts: .tooManyAttempts
        case .smsUnavailable: .smsUnavailable
        case .unauthorized: .unauthorized
        case .marketMismatch: .marketMismatch
        case .invalidRequest: .invalidRequest
        case .validationFailed: .validationFailed
        case .payloadTooLarge: .payloadTooLarge
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .addressLimitReached: .addressLimitReached
        case .serviceUnavailable: .serviceUnavailable
        case .internalError: .internalError
        case .resendTooSoon: .resendTooSoon
        case .phoneRateLimited: .phoneRateLimited
        case .ipRateLimited: .ipRateLimited
        case .prefixRateLimited: .prefixRateLimited
        case .verifyRateLimited: .verifyRateLimited
        case .smsBudgetExhausted: .smsBudgetExhausted
        case .phoneNotAllowed: .phoneNotAllowed
        case .idempotencyKeyInUse: .idempotencyKeyInUse
        case .idempotencyKeyReused: .idempotencyKeyReused
        case .channelNotOffered: .channelNotOffered
        case .channelUnreachable: .channelUnreachable
        case .channelRateLimited: .channelRateLimited
        case .channelBudgetExhausted: .channelBudgetExhausted
        case .stepUpRequired: .stepUpRequired
        case .numberQuarantined: .numberQuarantined
        case .accountDeleted: .accountDeleted
        case .phoneTaken: .phoneTaken
        case .phoneChangeTooSoon: .phoneChangeTooSoon
        case .simSwapDetected: .simSwapDetected
        case .networkCheckUnavailable: .networkCheckUnavailable
        case .networkVerificationFailed: .networkVerificationFailed
        case .invalidSignature: .invalidSignature
        case .tokenExpired: .tokenExpired
        case .tokenStale: .tokenStale
        case .invalidRefreshToken: .invalidRefreshToken
        case .refreshTokenReused: .refreshTokenReused
        case .forbidden: .forbidden
        case .preconditionFailed: .preconditionFailed
        case .accountDisabled, .accountDisabledSession: .accountDisabled
        case .unsupportedMediaType: .unsupportedMediaType
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .networkRateLimited: .networkRateLimited
        case .storageUnavailable: .storageUnavailable
        case .invalidClient: .invalidClient
        case .challengeRequired: .challengeRequired
        }
    }

    /// The JSON body, `{"error":{…}}`.
    package var body: ErrorBody {
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
