import Foundation
import JWTKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Verifies PhoneAuth access tokens locally, with no call to PhoneAuth per request: the signature (ES256 with the keys
/// PhoneAuth publishes at `/.well-known/jwks.json`, or HS256 with a shared secret), the issuer, the audience, the
/// expiry and not-before with a small leeway, and the claims version. The JWKS is fetched on first use, kept as long as
/// its `Cache-Control: max-age` says (5 minutes without one), and fetched again at once for a key id it does not list
/// (a rotation), at most once a minute, so forged key ids cannot make it hammer PhoneAuth. (A forged key id spends
/// that minute's fetch: publish a new key before signing with it, as `--jwt-es256-keys` does with a second entry,
/// and the JWKS's max-age brings it anyway.) Framework-free: a
/// Hummingbird, Vapor or plain NIO service calls ``verify(_:)`` with the bearer token.
public actor PhoneAuthTokenVerifier {
    /// Where the keys come from.
    public enum Keys: Sendable {
        /// PhoneAuth's JWKS address, e.g. `https://auth.example.com/.well-known/jwks.json` (ES256).
        case jwks(URL)
        /// The secret PhoneAuth signs HS256 tokens with, and its key id (`--jwt-key-id`).
        case hs256(kid: String, secret: [UInt8])
    }

    private let source: Keys
    private let issuer: String
    private let audience: String
    private let leeway: TimeInterval
    private let minimumVersion: Int
    private let now: @Sendable () -> Date
    private let session: URLSession
    private var keys: JWTKeyCollection?
    private var kids: Set<String> = []
    private var keysExpire = Date.distantPast
    /// When a token's unknown key id last made it fetch the JWKS.
    private var lastUnknownKeyFetch: Date?

    /// A verifier of tokens from `issuer` for `audience` (PhoneAuth's `--issuer` and `--audience`), signed by `keys`.
    ///
    /// - Parameters:
    ///   - keys: The JWKS address, or the HS256 secret.
    ///   - issuer: PhoneAuth's `--issuer`.
    ///   - audience: PhoneAuth's `--audience`.
    ///   - leeway: Seconds of clock skew forgiven on `exp` and `nbf`.
    ///   - minimumVersion: The oldest claims version accepted (2 carries `sid` and `role`).
    ///   - now: The clock (tests pin it).
    ///   - session: How the JWKS is fetched.
    public init(
        keys: Keys, issuer: String = "phoneauth", audience: String = "phoneauth-api", leeway: TimeInterval = 30, minimumVersion: Int = 2,
        now: @escaping @Sendable () -> Date = { Date() }, session: URLSession = .shared
    ) {
        (self.source, self.issuer, self.audience, self.leeway, self.minimumVersion) = (keys, issuer, audience, leeway, minimumVersion)
        (self.now, self.session) = (now, session)
    }

    /// The caller `token` names, or why it is refused.
    public func verify(_ token: String) async throws(TokenRejection) -> PhoneAuthCaller {
        guard CompactJWS.isCanonical(token) else { throw .malformed }
        let kid = Self.keyID(of: token)
        var collection = try await currentKeys()
        if case .jwks = source, let kid, !kids.contains(kid) {
            // A key id the JWKS did not list: a rotation PhoneAuth made since, once a minute at most.
            if let last = lastUnknownKeyFetch, now().timeIntervalSince(last) < 60 { throw .unknownKey }
            lastUnknownKeyFetch = now()
            collection = try await fetch()
            guard kids.contains(kid) else { throw .unknownKey }
        }
        let claims: AccessClaims
        do { claims = try await collection.verify(token, as: AccessClaims.self) } catch let error as JWTError {
            throw error.errorType == .signatureVerificationFailed ? .badSignature : .malformed
        } catch { throw .malformed }
        return try check(claims)
    }

    private func check(_ claims: AccessClaims) throws(TokenRejection) -> PhoneAuthCaller {
        let at = now()
        guard claims.issuer.value == issuer else { throw .wrongIssuer }
        guard claims.audience.value.contains(audience) else { throw .wrongAudience }
        guard claims.expiration.value.addingTimeInterval(leeway) > at else { throw .expired }
        if let notBefore = claims.notBefore, notBefore.value.addingTimeInterval(-leeway) > at { throw .notYetValid }
        guard claims.version >= minimumVersion else { throw .outdatedClaims }
        guard let market = claims.market, let role = claims.role, let session = claims.sessionID else { throw .malformed }
        return PhoneAuthCaller(
            userID: claims.userID, market: market, role: role, sessionID: session, issuedAt: claims.issuedAt.value,
            expiresAt: claims.expiration.value)
    }

    private func currentKeys() async throws(TokenRejection) -> JWTKeyCollection {
        switch source {
        case .hs256(let kid, let secret):
            if let keys { return keys }
            let made = JWTKeyCollection()
            await made.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: kid))
            keys = made
            return made
        case .jwks:
            if let keys, now() < keysExpire { return keys }
            do { return try await fetch() } catch {
                // Keys past their time still verify while PhoneAuth cannot be reached: a key is only ever retired
                // after the tokens it signed expired.
                if let keys { return keys }
                throw error
            }
        }
    }

    private func fetch() async throws(TokenRejection) -> JWTKeyCollection {
        guard case .jwks(let url) = source else { throw .keysUnavailable }
        let data: Data
        let response: URLResponse
        do { (data, response) = try await session.data(from: url) } catch { throw .keysUnavailable }
        guard (response as? HTTPURLResponse)?.statusCode == 200, let jwks = try? JSONDecoder().decode(JWKS.self, from: data) else {
            throw .keysUnavailable
        }
        let made = JWTKeyCollection()
        do { try await made.add(jwks: jwks) } catch { throw .keysUnavailable }
        keys = made
        kids = Set(jwks.keys.compactMap { $0.keyIdentifier?.string })
        keysExpire = now().addingTimeInterval(Self.maxAge(response as? HTTPURLResponse) ?? 300)
        return made
    }

    /// `max-age` of the answer's `Cache-Control`, when it has one.
    static func maxAge(_ response: HTTPURLResponse?) -> TimeInterval? {
        guard let header = response?.value(forHTTPHeaderField: "Cache-Control") else { return nil }
        for part in header.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0].lowercased() == "max-age", let seconds = TimeInterval(pair[1]) { return seconds }
        }
        return nil
    }

    /// The `kid` of a JWT's header, read without trusting it.
    static func keyID(of token: String) -> String? {
        guard let header = token.split(separator: ".").first else { return nil }
        var text = header.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        text += String(repeating: "=", count: (4 - text.count % 4) % 4)
        guard let data = Data(base64Encoded: text), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return nil
        }
        return object["kid"] as? String
    }
}
