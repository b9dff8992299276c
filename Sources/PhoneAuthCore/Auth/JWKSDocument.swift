import JWTKit

/// `/.well-known/jwks.json`: the public ES256 keys other services verify tokens with, the signing key first. Empty with
/// HS256 only, whose secrets are never published.
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

    package init(es256: [(kid: String, key: ES256PrivateKey)]) {
        keys = es256.compactMap { entry in entry.key.publicKey.parameters.map { Key(x: $0.x, y: $0.y, kid: entry.kid) } }
    }
}
