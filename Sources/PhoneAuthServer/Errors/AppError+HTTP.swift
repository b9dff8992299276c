import HTTPTypes
import PhoneAuthCore

/// How each error travels over HTTP: its status and the headers that status calls for (in one place, beside nothing
/// else that knows HTTP: the core names failures, the server answers them).
extension AppError {
    var status: HTTPResponse.Status {
        switch kind {
        case .invalidPhone, .invalidCode, .invalidRequest, .validationFailed: .badRequest
        case .marketNotSupported, .marketMismatch, .phoneNotAllowed, .forbidden, .accountDisabled, .invalidSignature, .stepUpRequired,
            .numberQuarantined, .simSwapDetected, .networkVerificationFailed:
            .forbidden
        case .tooManyAttempts, .resendTooSoon, .phoneRateLimited, .ipRateLimited, .prefixRateLimited, .verifyRateLimited,
            .networkRateLimited, .channelRateLimited, .phoneChangeTooSoon:
            .tooManyRequests
        case .unsupportedMediaType: .unsupportedMediaType
        case .headersTooLarge: .requestHeaderFieldsTooLarge
        case .smsUnavailable, .serviceUnavailable, .smsBudgetExhausted, .channelBudgetExhausted, .storageUnavailable,
            .networkCheckUnavailable:
            .serviceUnavailable
        case .idempotencyKeyInUse, .phoneTaken: .conflict
        case .preconditionFailed: .preconditionFailed
        case .idempotencyKeyReused, .channelNotOffered, .channelUnreachable: .unprocessableContent
        case .unauthorized, .tokenExpired, .tokenStale, .invalidRefreshToken, .refreshTokenReused, .accountDisabledSession, .invalidClient,
            .accountDeleted:
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
        case .unauthorized, .tokenExpired, .tokenStale, .accountDisabledSession, .accountDeleted:
            fields[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        case .invalidClient:
            fields[.wwwAuthenticate] = #"Basic realm="phoneauth introspection""#
        case .methodNotAllowed(let allowed):
            fields[.allow] = allowed.joined(separator: ", ")
        case .smsUnavailable, .serviceUnavailable:
            fields[.retryAfter] = String(retryAfter ?? 30)
        case .storageUnavailable:
            fields[.retryAfter] = String(retryAfter ?? 5)
        default:
            if let retryAfter { fields[.retryAfter] = String(retryAfter) }
        }
        return fields
    }
}
