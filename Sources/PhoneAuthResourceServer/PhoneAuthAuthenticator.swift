import Foundation

/// What a resource server asks of each request: is this bearer token a PhoneAuth access token, signed, current and
/// not revoked? The signature and claims are checked locally (``PhoneAuthTokenVerifier``), revocation against the
/// stream's list (``PhoneAuthRevocations``), so the answer costs no call to PhoneAuth while the stream is live.
/// Framework-free: Hummingbird's middleware uses it, and so can Vapor or NIO code.
public struct PhoneAuthAuthenticator: Sendable {
    /// Checks signatures and claims.
    public let verifier: PhoneAuthTokenVerifier
    /// Checks revocation; nil trusts a valid token until it expires (30 minutes at most).
    public let revocations: PhoneAuthRevocations?

    /// An authenticator of `verifier`'s tokens, refusing what `revocations` says was revoked.
    public init(verifier: PhoneAuthTokenVerifier, revocations: PhoneAuthRevocations?) {
        (self.verifier, self.revocations) = (verifier, revocations)
    }

    /// The caller `token` names, or why it is refused.
    public func authenticate(_ token: String) async throws(TokenRejection) -> PhoneAuthCaller {
        let caller = try await verifier.verify(token)
        try await revocations?.check(caller, token: token)
        return caller
    }

    /// The caller of an `Authorization` header's `Bearer` token, or why it is refused (``TokenRejection/malformed``
    /// without one).
    public func authenticate(authorization header: String?) async throws(TokenRejection) -> PhoneAuthCaller {
        guard let header, header.count > 7, header.prefix(7).lowercased() == "bearer " else { throw .malformed }
        return try await authenticate(String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces))
    }
}
