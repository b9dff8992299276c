/// Why a token was refused. Each is answered the same way to the client (401); the case is for logs and metrics.
public enum TokenRejection: Error, Sendable, Equatable {
    /// Not a JWT, or its claims are not PhoneAuth's.
    case malformed
    /// The signature does not verify with any key the verifier has.
    case badSignature
    /// Signed by a key id the JWKS does not list (even after fetching it again).
    case unknownKey
    /// Past its expiry (beyond the leeway).
    case expired
    /// Issued for later (`nbf`, beyond the leeway).
    case notYetValid
    /// Another issuer's token.
    case wrongIssuer
    /// A token for another audience.
    case wrongAudience
    /// A claims version older than the verifier accepts.
    case outdatedClaims
    /// The JWKS could not be fetched, and no keys are at hand.
    case keysUnavailable
    /// PhoneAuth revoked it: a logout, a ban, a force-logout, a role change (the client refreshes it).
    case revoked
    /// The revocation stream is down and the fallback could not vouch for it (refusing by configuration, or
    /// introspection unreachable): refused rather than served from stale knowledge.
    case revocationUnknown
}
