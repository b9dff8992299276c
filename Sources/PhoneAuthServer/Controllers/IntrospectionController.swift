import Foundation
import Hummingbird
import NIOCore
import PhoneAuthCore

/// `POST /auth/introspect` (RFC 7662) for the app's other services: is this access token still good, revocation
/// included? Answered through the same `CallerResolver` as every API request, so a logout, ban or force-logout shows
/// here on the next call. Callers authenticate with HTTP Basic as a configured introspection client (`ServiceClientGate`).
struct IntrospectionController: Sendable {
    let gate: ServiceClientGate
    let resolver: any CallerResolver

    struct Answer: ResponseEncodable {
        var active: Bool
        var userID: Int64?
        var market: String?
        var role: String?
        var sessionID: String?
        var tokenType: String?
        var issuedAt: Int?
        var expiresAt: Int?
        var issuer: String?
        var audience: String?
        var tokenID: String?

        static let inactive = Answer(active: false)

        enum CodingKeys: String, CodingKey {
            case active
            case userID = "user_id"
            case market, role
            case sessionID = "sid"
            case tokenType = "token_type"
            case issuedAt = "iat"
            case expiresAt = "exp"
            case issuer = "iss"
            case audience = "aud"
            case tokenID = "jti"
        }
    }

    struct JSONBody: Decodable {
        var token: String
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("introspect", use: introspect)
    }

    @Sendable func introspect(_ request: Request, context: AppRequestContext) async throws -> Response {
        try gate.admit(request, context: context)
        var request = request
        let token = try await Self.token(of: &request)
        let answer: Answer
        do {
            let caller = try await resolver.resolve(bearer: token, logger: context.logger)
            let claims = caller.claims
            answer = Answer(
                active: true, userID: caller.userID, market: caller.market, role: caller.user.role, sessionID: caller.sessionID,
                tokenType: "access_token", issuedAt: Int(claims.issuedAt.value.timeIntervalSince1970),
                expiresAt: Int(claims.expiration.value.timeIntervalSince1970), issuer: claims.issuer.value,
                audience: claims.audience.value.first, tokenID: claims.id.value)
        } catch let error where StorageFailure.unavailable(error) != nil {
            throw error  // "inactive" would be a lie: the service should retry
        } catch {
            answer = .inactive  // RFC 7662 §2.2: nothing about why
        }
        var response = try answer.response(from: request, context: context)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `token=…` form-encoded (RFC 7662 §2.1) or `{"token": "…"}`.
    private static func token(of request: inout Request) async throws -> String {
        let media = request.headers[.contentType]?.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased()
        guard media == "application/x-www-form-urlencoded" else {
            let token = try await request.decodeJSON(as: JSONBody.self).token
            guard !token.isEmpty else { throw AppError.invalidRequest("The field \"token\" must not be empty.", field: "token") }
            return token
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: JSONCoding.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw AppError.payloadTooLarge
        }
        var components = URLComponents()
        components.percentEncodedQuery = String(buffer: buffer).replacingOccurrences(of: "+", with: "%20")
        guard let token = components.queryItems?.first(where: { $0.name == "token" })?.value, !token.isEmpty else {
            throw AppError.invalidRequest("The form field \"token\" is required.", field: "token")
        }
        return token
    }
}
