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
    }

    let kind: Kind
    let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
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
    static let internalError = AppError(.internalError, "An internal error occurred.")

    static func invalidCode(attemptsRemaining: Int?) -> AppError {
        AppError(.invalidCode(attemptsRemaining: attemptsRemaining), "The code is wrong or has expired.")
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
        }
    }

    var status: HTTPResponse.Status {
        switch kind {
        case .invalidPhone, .invalidCode, .invalidRequest, .validationFailed: .badRequest
        case .marketNotSupported, .marketMismatch: .forbidden
        case .tooManyAttempts: .tooManyRequests
        case .smsUnavailable, .serviceUnavailable: .serviceUnavailable
        case .unauthorized: .unauthorized
        case .payloadTooLarge: .contentTooLarge
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .addressLimitReached: .conflict
        case .internalError: .internalServerError
        }
    }

    /// Headers the status calls for.
    var headers: HTTPFields {
        var fields = HTTPFields()
        switch kind {
        case .unauthorized:
            fields[.wwwAuthenticate] = #"Bearer error="invalid_token""#
        case .methodNotAllowed(let allowed):
            fields[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
        case .smsUnavailable, .serviceUnavailable:
            fields[.retryAfter] = "30"
        default:
            break
        }
        return fields
    }

    /// The JSON body, `{"error":{…}}`.
    var body: ErrorBody {
        var detail = ErrorBody.Detail(code: code, message: message)
        switch kind {
        case .invalidCode(let remaining): detail.attemptsRemaining = remaining
        case .invalidRequest(let field): detail.field = field
        case .validationFailed(let field): detail.field = field
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

        enum CodingKeys: String, CodingKey {
            case code, message, field
            case attemptsRemaining = "attempts_remaining"
        }
    }

    var error: Detail
}
