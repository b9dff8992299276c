import Foundation
import Hummingbird
import NIOCore

/// Sign-in: send a code, trade it for tokens (refresh and logout live in SessionController).
struct AuthController: Sendable {
    let otp: OTPService
    let tokens: TokenService
    let refreshTokens: RefreshTokens
    let refreshLifetime: TimeInterval
    let refreshAbsoluteLifetime: TimeInterval
    let idempotency: any IdempotencyRepository
    let trustedProxies: Set<String>
    let markets: MarketCatalog
    let codeLifetime: Duration
    let resendAfter: Duration
    let now: WallClock

    struct SendCodeRequest: Decodable {
        var phone: String
    }

    struct SendCodeResponse: ResponseEncodable, Equatable {
        var status = "sent"
        var expiresIn: Int
        var resendAfter: Int

        enum CodingKeys: String, CodingKey {
            case status
            case expiresIn = "expires_in"
            case resendAfter = "resend_after"
        }
    }

    struct VerifyCodeRequest: Decodable {
        var phone: String
        var verificationCode: String

        enum CodingKeys: String, CodingKey {
            case phone
            case verificationCode = "verification_code"
        }
    }


    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("send-code", use: sendCode)
        group.post("verify-code", use: verifyCode)
    }

    /// The answer is the same whether or not the phone belongs to a user: no user lookup happens here at all.
    /// With an `Idempotency-Key`, a repeat for the same phone within the code's lifetime replays the first success and
    /// sends nothing; a failed first try frees the key, so retrying with it is a fresh attempt.
    @Sendable func sendCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        let body = try await request.decodeJSON(as: SendCodeRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        guard let key = try IdempotencyKey.of(request) else { return try await send(to: phone, request: request, context: context) }
        let issuedAt = now()
        switch try await idempotency.claim(key: key, phone: phone.e164, expiresAt: issuedAt.addingTimeInterval(codeLifetime.seconds), now: issuedAt) {
        case .replay(let status, let stored):
            return .json(stored, status: .init(code: status))
        case .inProgress: throw AppError.idempotencyKeyInUse
        case .mismatch: throw AppError.idempotencyKeyReused
        case .claimed:
            do {
                let response = try await send(to: phone, request: request, context: context)
                try await idempotency.complete(key: key, status: response.status.code, body: try JSONCoding.encoder.encode(sentBody))
                return response
            } catch {
                try await idempotency.release(key: key)
                throw error
            }
        }
    }

    private var sentBody: SendCodeResponse {
        SendCodeResponse(expiresIn: Int(codeLifetime.seconds), resendAfter: Int(resendAfter.seconds))
    }

    private func send(to phone: PhoneNumber, request: Request, context: AppRequestContext) async throws -> Response {
        let market = try markets.market(for: phone)
        try await otp.send(to: phone, market: market, clientIP: clientIP(request, context), logger: context.logger)
        return try EditedResponse(status: .accepted, response: sentBody).response(from: request, context: context)
    }

    private func clientIP(_ request: Request, _ context: AppRequestContext) -> String {
        ClientAddress.resolve(peer: context.peerAddress, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies)
    }

    @Sendable func verifyCode(_ request: Request, context: AppRequestContext) async throws -> TokenResponse {
        var request = request
        let body = try await request.decodeJSON(as: VerifyCodeRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        let market = try markets.market(for: phone)
        guard body.verificationCode.wholeMatch(of: /[0-9]{6}/) != nil else {
            throw AppError.invalidRequest("The verification code must be 6 digits.", field: "verification_code")
        }
        let refreshToken = refreshTokens.generate()
        let issuedAt = now()
        let session = NewSession(
            id: UUID().uuidString.lowercased(), refreshTokenHash: refreshTokens.hash(refreshToken),
            expiresAt: issuedAt.addingTimeInterval(refreshLifetime), absoluteExpiresAt: issuedAt.addingTimeInterval(refreshAbsoluteLifetime),
            userAgent: request.headers[.userAgent].map { String($0.prefix(256)) },
            ip: clientIP(request, context)
        )
        let user = try await otp.redeem(phone: phone, code: body.verificationCode, market: market, session: session)
        guard let userID = user.id else { throw AppError.internalError }
        let token = try await tokens.issue(
            userID: userID, market: user.market, role: user.role, sessionID: session.id,
            notBefore: user.tokenCutoff
        )
        context.logger.info("signed in", metadata: ["user_id": "\(userID)", "market": "\(user.market)", "session": "\(session.id)"])
        return TokenResponse(
            accessToken: token, expiresIn: tokens.lifetimeSeconds, refreshToken: refreshToken, refreshExpiresIn: Int(refreshLifetime),
            user: UserResponse(user)
        )
    }
}
