import Foundation
import JWTKit
import PhoneAuthCore

/// Signs the JWTs an operator's authorization server takes from us (`private_key_jwt`, RFC 7523): client assertions
/// for the token and backchannel endpoints, and JWT-bearer grants naming a number. Each lives 60 seconds (CAMARA
/// allows at most 300) and carries a fresh `jti`, so an intercepted one cannot be replayed later.
package struct ClientAssertion: Sendable {
    package let clientID: String
    private let keys: JWTKeyCollection
    private let kid: JWKIdentifier?
    private let now: WallClock
    static let lifetime: TimeInterval = 60

    /// `pem`: a P-256 (ES256) or RSA (RS256) private key.
    package init(clientID: String, privateKeyPEM pem: String, keyID: String?, now: @escaping WallClock) async throws {
        let keys = JWTKeyCollection()
        let kid = keyID.map { JWKIdentifier(string: $0) }
        if let key = try? ES256PrivateKey(pem: pem) {
            await keys.add(ecdsa: key, kid: kid)
        } else if let key = try? Insecure.RSA.PrivateKey(pem: pem) {
            await keys.add(rsa: key, digestAlgorithm: .sha256, kid: kid)
        } else {
            throw ConfigError("the operator's private key is neither a P-256 (ES256) nor an RSA (RS256) key in PEM")
        }
        (self.clientID, self.keys, self.kid, self.now) = (clientID, keys, kid, now)
    }

    /// Client authentication at `audience` (the endpoint the request goes to).
    package func authenticating(to audience: String) async throws -> String {
        try await sign(Claims(iss: clientID, sub: clientID, aud: audience, scope: nil, now: now()))
    }

    /// A JWT-bearer grant for `subject` (`tel:+…`) with `scope`, at the token endpoint `audience`.
    package func grant(subject: String, scope: String, audience: String) async throws -> String {
        try await sign(Claims(iss: clientID, sub: subject, aud: audience, scope: scope, now: now()))
    }

    /// The form fields of client authentication by assertion.
    package func fields(audience: String) async throws -> [(String, String)] {
        [
            ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
            ("client_assertion", try await authenticating(to: audience)),
        ]
    }

    private func sign(_ claims: Claims) async throws -> String {
        try await keys.sign(claims, kid: kid)
    }

    struct Claims: JWTPayload {
        var iss: IssuerClaim
        var sub: SubjectClaim
        var aud: AudienceClaim
        var jti: IDClaim
        var iat: IssuedAtClaim
        var exp: ExpirationClaim
        var scope: String?

        init(iss: String, sub: String, aud: String, scope: String?, now: Date) {
            self.iss = IssuerClaim(value: iss)
            self.sub = SubjectClaim(value: sub)
            self.aud = AudienceClaim(value: aud)
            jti = IDClaim(value: UUID().uuidString)
            // Whole seconds: the claims are NumericDates.
            let issued = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
            iat = IssuedAtClaim(value: issued)
            exp = ExpirationClaim(value: issued.addingTimeInterval(ClientAssertion.lifetime))
            self.scope = scope
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }
}
