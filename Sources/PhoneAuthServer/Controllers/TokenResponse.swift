import Hummingbird
import PhoneAuthCore

/// A signed-in session: verify-code and refresh both answer with it.
struct TokenResponse: ResponseEncodable {
    var accessToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
    var refreshToken: String
    var refreshExpiresIn: Int
    var user: UserResponse

    init(_ grant: SessionService.Grant, service: SessionService) {
        accessToken = grant.pair.accessToken
        expiresIn = service.tokens.lifetimeSeconds
        refreshToken = grant.pair.refreshToken
        refreshExpiresIn = Int(service.refreshLifetime.seconds)
        user = UserResponse(grant.user)
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
        case refreshToken = "refresh_token"
        case refreshExpiresIn = "refresh_expires_in"
        case user
    }
}
