import JWTKit

/// `/.well-known/jwks.json`: the public ES256 key other services verify tokens with. Empty with HS256 only, whose
/// secrets are never published.
package struct JWKSDocument: Codable, Sendable {
    package struct Key: Codable, Sendable, Equatable {
        package var kty = "EC"
        package var crv = "P-256"
        package var x: String
        package var y: String
        package var kid: String
        package var alg = "ES256"
        package var use = "sig"
    }

    package var keys: [Key]

    package init(es256: (kid: String, key: ES256PrivateKey)?) {
        guard let es256, let parameters = es256.key.publicKey.parameters else {
            keys = []
            return
        }
        keys = [Key(x: parameters.x, y: parameters.y, kid: es256.kid)]
    }
}
