import Foundation

/// The operator's answers, as the OpenID Connect, CIBA and CAMARA specifications shape them.
enum OperatorWire {
    static let decoder = JSONDecoder()
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    /// OpenID Provider Metadata: the endpoints this server calls.
    struct Discovery: Decodable {
        var issuer: String
        var authorizationEndpoint: String?
        var tokenEndpoint: String
        var backchannelAuthenticationEndpoint: String?

        enum CodingKeys: String, CodingKey {
            case issuer
            case authorizationEndpoint = "authorization_endpoint"
            case tokenEndpoint = "token_endpoint"
            case backchannelAuthenticationEndpoint = "backchannel_authentication_endpoint"
        }
    }

    struct Token: Decodable {
        var accessToken: String
        var tokenType: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case tokenType = "token_type"
        }
    }

    /// An OAuth error answer (`authorization_pending`, `slow_down`, `invalid_grant`, `access_denied`, …).
    struct OAuthError: Decodable {
        var error: String
    }

    /// CIBA's answer to an authentication request.
    struct BackchannelStart: Decodable {
        var authReqID: String
        var expiresIn: Int
        var interval: Int?

        enum CodingKeys: String, CodingKey {
            case authReqID = "auth_req_id"
            case expiresIn = "expires_in"
            case interval
        }
    }

    /// A CAMARA error: `{"status", "code", "message"}`.
    struct CamaraError: Decodable {
        var status: Int?
        var code: String
    }

    struct VerifyRequest: Encodable { var phoneNumber: String }
    struct VerifyAnswer: Decodable { var devicePhoneNumberVerified: Bool }
    struct SwapRequest: Encodable {
        var phoneNumber: String
        var maxAge: Int
    }
    struct SwapAnswer: Decodable { var swapped: Bool }
    struct RecyclingRequest: Encodable {
        var phoneNumber: String
        var specifiedDate: String
    }
    struct RecyclingAnswer: Decodable { var phoneNumberRecycled: Bool }
}
