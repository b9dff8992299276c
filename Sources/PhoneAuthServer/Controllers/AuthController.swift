import Foundation
import Hummingbird

/// Sign-in: send a code, trade it for a token, log out.
struct AuthController: Sendable {
    let otp: OTPService
    let tokens: TokenService
    let users: any UserRepository
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

    struct TokenResponse: ResponseEncodable {
        var accessToken: String
        var tokenType = "Bearer"
        var expiresIn: Int
        var user: UserResponse

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
            case expiresIn = "expires_in"
            case user
        }
    }

    func addPublicRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("send-code", use: sendCode)
        group.post("verify-code", use: verifyCode)
    }

    func addAuthenticatedRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.post("logout", use: logout)
    }

    /// The answer is the same whether or not the phone belongs to a user: no user lookup happens here at all.
    @Sendable func sendCode(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SendCodeResponse> {
        var request = request
        let body = try await request.decodeJSON(as: SendCodeRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        let market = try markets.market(for: phone)
        try await otp.send(to: phone, market: market, logger: context.logger)
        return EditedResponse(
            status: .accepted,
            response: SendCodeResponse(expiresIn: Int(codeLifetime.seconds), resendAfter: Int(resendAfter.seconds))
        )
    }

    @Sendable func verifyCode(_ request: Request, context: AppRequestContext) async throws -> TokenResponse {
        var request = request
        let body = try await request.decodeJSON(as: VerifyCodeRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        let market = try markets.market(for: phone)
        guard body.verificationCode.wholeMatch(of: /[0-9]{6}/) != nil else {
            throw AppError.invalidRequest("The verification code must be 6 digits.", field: "verification_code")
        }
        let user = try await otp.redeem(phone: phone, code: body.verificationCode, market: market)
        guard let userID = user.id else { throw AppError.internalError }
        let token = try await tokens.issue(userID: userID, market: user.market, notBefore: user.tokensValidAfter)
        context.logger.info("signed in", metadata: ["user_id": "\(userID)", "market": "\(user.market)"])
        return TokenResponse(accessToken: token, expiresIn: tokens.lifetimeSeconds, user: UserResponse(user))
    }

    /// Deactivates the user: every token issued so far fails from the next request on, even after a new sign-in.
    @Sendable func logout(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await users.logOut(id: context.caller.userID, now: now())
        context.logger.info("logged out", metadata: ["user_id": "\(context.caller.userID)"])
        return Response(status: .noContent)
    }
}
