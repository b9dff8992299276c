import Foundation
import JWTKit

/// Signs and verifies access tokens. The only place that decodes a token; key material is set up once.
struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let issuer: String
    private let audience: String
    private let lifetime: TimeInterval
    private let leeway: TimeInterval
    private let now: WallClock

    init(secret: [UInt8], issuer: String, audience: String, lifetime: Duration, leeway: Duration, now: @escaping WallClock) async {
        precondition(secret.count >= AppConfig.minimumSecretBytes, "AppConfig.validate() guarantees a 32-byte secret")
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
        self.issuer = issuer
        self.audience = audience
        self.lifetime = lifetime.seconds
        self.leeway = leeway.seconds
        self.now = now
    }

    var lifetimeSeconds: Int { Int(lifetime) }

    /// Issues a token for the user's session. `notBefore` lets the caller push `iat` past a revocation instant.
    func issue(userID: Int64, market: String, role: String, sessionID: String, notBefore revokedAt: Date? = nil) async throws -> String {
        var issuedAt = now().truncatedToMilliseconds
        if let revokedAt, issuedAt <= revokedAt {
            issuedAt = revokedAt.truncatedToMilliseconds.addingTimeInterval(0.001)
        }
        let claims = AccessClaims(
            userID: userID, market: market, sessionID: sessionID, role: role,
            issuedAt: IssuedAtClaim(value: issuedAt), expiration: ExpirationClaim(value: issuedAt.addingTimeInterval(lifetime)),
            notBefore: nil, issuer: IssuerClaim(value: issuer), audience: AudienceClaim(value: [audience]),
            id: IDClaim(value: UUID().uuidString), version: AccessClaims.currentVersion
        )
        return try await keys.sign(claims, header: ["typ": "JWT"])
    }

    /// Accepts only HS256 tokens of ours: signature, then `iss`, `aud`, `exp` and `nbf` with the configured leeway.
    func verify(_ token: String) async throws(AppError) -> AccessClaims {
        let claims: AccessClaims = try await verifySignature(token, as: AccessClaims.self)
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

    /// Header and signature checks shared by every payload type (tests use it with RFC 7515's example).
    func verifySignature<Payload: JWTPayload>(_ token: String, as _: Payload.Type) async throws(AppError) -> Payload {
        guard Self.headerAlgorithm(of: token) == "HS256" else { throw .unauthorized }
        do {
            return try await keys.verify(token, as: Payload.self)
        } catch {
            throw .unauthorized
        }
    }

    /// The `alg` of a compact JWS, read before anything else so `none`, HS384/512 and asymmetric algorithms never
    /// reach a verifier.
    private static func headerAlgorithm(of token: String) -> String? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Data(base64URLEncoded: parts[0]),
            let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any]
        else { return nil }
        return json["alg"] as? String
    }
}

extension Duration {
    var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }
}

extension Date {
    var truncatedToMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded(.down) / 1000)
    }
}

extension Data {
    init?(base64URLEncoded text: some StringProtocol) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
