/// The stable error codes the server answers with, in ``ErrorBody/Detail/code``. Programs branch on these, never on
/// the message.
public enum ErrorCode: String, Codable, Sendable, CaseIterable {
    /// The phone number is not a valid international number.
    case invalidPhone = "invalid_phone"
    /// The number's country is not one of the configured markets.
    case marketNotSupported = "market_not_supported"
    /// The code is wrong or has expired; the body says how many tries remain.
    case invalidCode = "invalid_code"
    /// The code's tries are spent; request a new code.
    case tooManyAttempts = "too_many_attempts"
    /// The SMS provider failed; try again shortly.
    case smsUnavailable = "sms_unavailable"
    /// No valid access token.
    case unauthorized
    /// The request names a market other than the token's.
    case marketMismatch = "market_mismatch"
    /// The body or a parameter is malformed; the body may name the field.
    case invalidRequest = "invalid_request"
    /// A field broke a rule (length, format, market); the body names it.
    case validationFailed = "validation_failed"
    /// The body is larger than 16 KiB.
    case payloadTooLarge = "payload_too_large"
    /// No such resource.
    case notFound = "not_found"
    /// The path does not take this method (`Allow` lists those it does).
    case methodNotAllowed = "method_not_allowed"
    /// The address book is full.
    case addressLimitReached = "address_limit_reached"
    /// The service cannot answer right now (or this instance is shutting down).
    case serviceUnavailable = "service_unavailable"
    /// Something failed on the server.
    case internalError = "internal_error"
    /// A code was sent moments ago; wait `retry_after` seconds.
    case resendTooSoon = "resend_too_soon"
    /// Too many codes for this phone.
    case phoneRateLimited = "phone_rate_limited"
    /// Too many codes from this network.
    case ipRateLimited = "ip_rate_limited"
    /// Too many codes for this number range.
    case prefixRateLimited = "prefix_rate_limited"
    /// Too many wrong codes for this phone.
    case verifyRateLimited = "verify_rate_limited"
    /// The SMS budget is spent; sign-in codes are paused.
    case smsBudgetExhausted = "sms_budget_exhausted"
    /// Codes cannot be sent to this number range.
    case phoneNotAllowed = "phone_not_allowed"
    /// A request with this `Idempotency-Key` is still in progress.
    case idempotencyKeyInUse = "idempotency_key_in_use"
    /// This `Idempotency-Key` was used for another request.
    case idempotencyKeyReused = "idempotency_key_reused"
    /// The access token has expired: refresh it.
    case tokenExpired = "token_expired"
    /// The access token predates a change to the account: refresh it.
    case tokenStale = "token_stale"
    /// The refresh token is unknown, expired or revoked: sign in again.
    case invalidRefreshToken = "invalid_refresh_token"
    /// The refresh token was already used, so the session was ended.
    case refreshTokenReused = "refresh_token_reused"
    /// The caller lacks the role this needs.
    case forbidden
    /// The resource changed since it was read (`If-Match`).
    case preconditionFailed = "precondition_failed"
    /// The account is disabled.
    case accountDisabled = "account_disabled"
    /// The body is not JSON.
    case unsupportedMediaType = "unsupported_media_type"
    /// The request headers are too large.
    case requestHeaderFieldsTooLarge = "request_header_fields_too_large"
    /// Too many failures from this network.
    case networkRateLimited = "network_rate_limited"
    /// The database is unavailable; nothing was changed.
    case storageUnavailable = "storage_unavailable"
    /// Introspection without a configured client's credentials.
    case invalidClient = "invalid_client"
    /// Solve the body's proof-of-work challenge and send again.
    case challengeRequired = "challenge_required"
    /// send-code named a channel the number's market does not offer (the 202 of a send lists those it does).
    case channelNotOffered = "channel_not_offered"
    /// The number has no account on the channel named (WhatsApp, Telegram); ask for another.
    case channelUnreachable = "channel_unreachable"
    /// The phone had as many codes by the channel named as it may in the hour or day; ask for another.
    case channelRateLimited = "channel_rate_limited"
    /// The channel's hourly or daily budget is spent; ask for another, or come back after `Retry-After`.
    case channelBudgetExhausted = "channel_budget_exhausted"
    /// Deleting the account needs a session opened by a code within the last few minutes: sign in again, then retry.
    case stepUpRequired = "step_up_required"
    /// The number left an account recently (deleted or moved); a new account may take it after `Retry-After`.
    case numberQuarantined = "number_quarantined"
    /// The token's account was deleted; sign-in with the number makes a new account.
    case accountDeleted = "account_deleted"
    /// A number change to a number another account holds (told only after the code proved the number).
    case phoneTaken = "phone_taken"
    /// The account changed its number within the cooldown (7 days by default); `Retry-After` says when it may again.
    case phoneChangeTooSoon = "phone_change_too_soon"
    /// The right code for an account whose SIM changed within the SIM-swap window (the operator said so): no session
    /// opens and the account's sessions stay. Sign in on a device already signed in, or ask support.
    case simSwapDetected = "sim_swap_detected"
    /// The operator could not say whether the number's SIM changed, and the server fails closed; retry later.
    case networkCheckUnavailable = "network_check_unavailable"
    /// A silent sign-in the network did not confirm (another device's number, not on mobile data, an unknown, used or
    /// expired flow, a wrong verifier or state): send a code instead.
    case networkVerificationFailed = "network_verification_failed"
    /// A provider's delivery receipt whose signature does not match its body.
    case invalidSignature = "invalid_signature"
}
