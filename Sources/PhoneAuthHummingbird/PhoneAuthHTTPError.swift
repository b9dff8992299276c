import Foundation
import HTTPTypes
import Hummingbird

/// How the middleware refuses a request, in PhoneAuth's error shape (`{"error":{"code","message"}}`), so an app's
/// clients read its refusals as they read PhoneAuth's.
public struct PhoneAuthHTTPError: HTTPResponseError, Sendable {
    /// 401, 403 or 503.
    public let status: HTTPResponse.Status
    /// `unauthorized`, `market_mismatch` or `service_unavailable`.
    public let code: String
    /// What a person reads.
    public let message: String

    /// A refusal with `status`, `code` and `message`.
    public init(status: HTTPResponse.Status, code: String, message: String) {
        (self.status, self.code, self.message) = (status, code, message)
    }

    /// 401 `unauthorized`: no token, or one that is not good (the client refreshes it or signs in again).
    public static func unauthorized(_ message: String) -> PhoneAuthHTTPError {
        PhoneAuthHTTPError(status: .unauthorized, code: "unauthorized", message: message)
    }

    /// 403 `market_mismatch`: a good token of another market.
    public static func marketMismatch(_ market: String) -> PhoneAuthHTTPError {
        PhoneAuthHTTPError(status: .forbidden, code: "market_mismatch", message: "This API serves the \(market) market only.")
    }

    /// 503 `service_unavailable`: whether the token was revoked cannot be told right now.
    public static let revocationUnknown = PhoneAuthHTTPError(
        status: .serviceUnavailable, code: "service_unavailable", message: "Sign-in state cannot be checked right now; try again shortly.")

    /// The refusal as a JSON response (`WWW-Authenticate` on a 401, `Retry-After` on a 503).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = try JSONEncoder().encode(["error": ["code": code, "message": message]])
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer error=\"invalid_token\"" }
        if status == .serviceUnavailable { headers[.retryAfter] = "2" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
