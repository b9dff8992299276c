import Foundation
import JWTKit
import PhoneAuthResourceServer

/// Signs and verifies access tokens. The only place that decodes a token; key material is set up once.
package struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let signingKeyID: String
    /// Every accepted `kid`, the one algorithm its tokens may use and its key, looked up once.
    private let verifiers: [String: (name: String, algorithm: any JWTAlgorithm)]
    /// The public halves of the ES256 keys, for `/.well-known/jwks.json`.
    package let jwks: JWKSDocument
    private let issuer: String
    private let audience: String
    private let lifetime: TimeInterval
    private let leeway: TimeInterval
    private let now: WallClock
    /// Tokens whose signature already checked out, with their claims. A client sends the same token on every call for
    /// up to 30 minutes, and a signature over the same bytes under the same keys cannot change its answer, so parsing
    /// and HMAC run once per token. Only what passed `verifySignature` goes in; `exp`, `nbf` and the caller's current
    /// state are still checked on every request, so revocation is unaffected.
    package let verified = BoundedMemo<String, AccessClaims>(capacity: 20_000)

    /// `keys`: HS256 keys, the signing key first, then retired ones still accepted. With `es256` keys, new tokens are
    /// signed ES256 by the first instead (other services verify them from the JWKS, which lists them all), and every
    /// other key only verifies.
    package init(
        keys entries: [JWTKeyEntry], es256: [(kid: String, key: ES256PrivateKey)] = [], issuer: String, audience: String,
        lifetime: Duration, leeway: Duration, now: @escaping WallClock
    ) async {
        precondition(!entries.isEmpty && entries.allSatisfy { $0.secret.count >= JWTKeyEntry.minimumSecretBytes }, "configuration checks keys")
        keys = JWTKeyCollection()
        var algorithms: [String: String] = [:]
        // The first key added is also jwt-kit's default, used for tokens without a `kid`.
        for key in es256 {
            await keys.add(ecdsa: key.key, kid: JWKIdentifier(string: key.kid))
            algorithms[key.kid] = "ES256"
        }
        for entry in entries {
            await keys.add(hmac: HMACKey(from: entry.secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: entry.kid))
            algorithms[entry.kid] = "HS256"
        }
        signingKeyID = es256.first?.kid ?? entries[0].kid
        var verifiers: [String: (name: String, algorithm: any JWTAlgorithm)] = [:]
        for (kid, name) in algorithms {
            // Every kid was added just above, so the lookup cannot miss.
            verifiers[kid] = (name, try! await keys.getKey(for: JWKIdentifier(string: kid)))
        }
        self.verifiers = verifiers
        jwks = JWKSDocument(es256: es256)
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime.seconds
        self.leeway = leeway.seconds
        self.now = now
    }

    package var lifetimeSeconds: Int { Int(lifetime) }

    /// Issues a token for the user's session. `notBefore` lets the caller push `iat` past a revocation instant.
    package func issue(userID: Int64, market: String, role: String, sessionID: String, notBefore revokedAt: Date? = nil) async throws -> String {
        var issuedAt = now().truncatedToMilliseconds
        if let revokedAt, issuedAt <= revokedAt {
            issuedAt = revokedAt.truncatedToMilliseconds.addingTimeInterval(0.001)
        }
        let claims = AccessClaims(
            userID: userID, market: market, sessionID: sessionID, role: role,
            issuedAt: IssuedAtClaim(value: issuedAt), expiration: ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime)),
            notBefore: nil, issuer: IssuerClaim(value: issuer), audience: AudienceClaim(value: [audience]),
            id: IDClaim(value: UUID().uuidString), versionClaim: AccessClaims.currentVersion
        )
        return try await keys.sign(claims, kid: JWKIdentifier(string: signingKeyID), header: ["typ": "JWT"])
    }

    /// Accepts only our tokens, each with its key's one algorithm (HS256, or ES256 when configured): signature, then
    /// `iss`, `aud`, `exp` and `nbf` with the configured leeway.
    package func verify(_ token: String) async throws(AppError) -> AccessClaims {
        let claims: AccessClaims
        if let known = verified.value(for: token) {
            claims = known
        } else {
            claims = try await verifySignature(token, as: AccessClaims.self)
            verified.insert(claims, for: token)
        }
        let current = now()
        do {
            guard claims.issuer.value == issuer else { throw AppError.unauthorized }
            try claims.audience.verifyIntendedAudience(includes: audience)
            try claims.notBefore?.verifyNotBefore(currentDate: current.addingTimeInterval(leeway))
        } catch {
            throw .unauthorized
        }
        // Said apart, so a client knows a refresh will help.
        guard (try? claims.expiration.verifyNotExpired(currentDate: current.addingTimeInterval(-leeway))) != nil else { throw .tokenExpired }
        return claims
    }

    /// Header and signature checks shared by every payload type (tests use it with RFC 7515's example). The token is
    /// parsed once and checked against the key its `kid` names, with no trip through the key collection's actor: the
    /// request path verifies on whichever event loop it runs.
    package func verifySignature<Payload: JWTPayload>(_ token: String, as _: Payload.Type) async throws(AppError) -> Payload {
        guard CompactJWS.isCanonical(token) else { throw .unauthorized }
        let bytes = Array(token.utf8)
        let parsed: (header: JWTHeader, payload: Payload, signature: Data)
        do {
            parsed = try Self.parser.parse(bytes, as: Payload.self)
        } catch {
            throw .unauthorized
        }
        // A removed or unknown key id is refused outright, never tried against another key; a token without one is
        // checked against the signing key. Either way the header's algorithm must be that key's, so `none`,
        // HS384/512 and other algorithms never reach a verifier.
        // Only the header fields this server writes: `jku`, `jwk`, `x5u`, `x5c` would name keys to trust and `crit`
        // extensions to honour, neither of which a token of ours ever carries.
        guard parsed.header.fields.keys.allSatisfy(Self.headerFields.contains),
            let key = verifiers[parsed.header.kid ?? signingKeyID], parsed.header.alg == key.name,
            let secondDot = bytes.lastIndex(of: UInt8(ascii: ".")),
            (try? key.algorithm.verify(parsed.signature, signs: bytes[..<secondDot])) == true
        else { throw .unauthorized }
        do {
            try await parsed.payload.verify(using: key.algorithm)
        } catch {
            throw .unauthorized
        }
        return parsed.payload
    }

    private static let parser = DefaultJWTParser()
    private static let headerFields: Set<String> = ["alg", "typ", "kid"]
}

extension Date {
    package var truncatedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

extension Data {
    package init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
