import Hummingbird
import JWTKit

/// `/.well-known/jwks.json`: the public ES256 key other services verify tokens with. Empty with HS256 only, whose
/// secrets are never published.
struct JWKSDocument: ResponseEncodable, Sendable {
    struct Key: Codable, Sendable, Equatable {
        var kty = "EC"
        var crv = "P-256"
        var x: String
        var y: String
        var kid: String
        var alg = "ES256"
        var use = "sig"
    }

    var keys: [Key]

    init(es256: (kid: String, key: ES256PrivateKey)?) {
        guard let es256, let parameters = es256.key.publicKey.parameters else {
            keys = []
            return
        }
        keys = [Key(x: parameters.x, y: parameters.y, kid: es256.kid)]
    }
}
