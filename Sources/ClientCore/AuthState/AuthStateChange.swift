import Foundation

/// Who is signed in, as a subscriber to ``PhoneAuthSession/authStateChanges()`` sees it. Tokens stay inside the
/// session; observers learn only whose session it is and until when its access token is good.
public struct AuthState: Sendable, Equatable {
    /// The signed-in user's id.
    public var userID: Int64
    /// The user's market (`us`, `kg`, …), which decides what the API serves.
    public var market: String
    /// When the current access token expires; the session refreshes it by itself before then.
    public var accessExpiresAt: Date

    init(_ credentials: StoredCredentials) {
        (userID, market, accessExpiresAt) = (credentials.userID, credentials.market, credentials.accessExpiresAt)
    }
}

/// Why a session ended.
public enum SignOutReason: String, Sendable, Equatable {
    /// This client's ``PhoneAuthSession/logout(scope:)``.
    case userLogout
    /// The server said the session is over: logged out on another device, revoked, or ended by an operator's force-logout.
    case revoked
    /// The account is banned (`account_disabled`): show the user that, not a sign-in form alone.
    case banned
    /// The account was deleted: by this client's ``PhoneAuthSession/deleteAccount()``, on another device, or by an
    /// operator (`account_deleted`). Signing in with the number makes a new account.
    case accountDeleted
    /// The tokens could not be renewed and the server gave no reason this client understands.
    case refreshFailed
    /// The refresh token's lifetime ran out (the app was not used for that long): found here, without a request.
    case expired
}

/// One change of the auth state, in the order it happened.
public enum AuthStateChange: Sendable, Equatable {
    /// The first event of every subscription: the stored state at that moment (nil when signed out).
    case initialSession(AuthState?)
    /// A code was verified and the tokens kept.
    case signedIn(AuthState)
    /// The access token was renewed (ahead of expiry or after a 401 a refresh could cure).
    case tokenRefreshed(AuthState)
    /// The profile changed through this client (``PhoneAuthSession/updateProfile(_:ifMatch:)``).
    case userUpdated(UserProfile)
    /// The account moved to another number through this client (``PhoneAuthSession/confirmPhoneChange(verificationID:code:)``);
    /// the profile carries the new number.
    case phoneChanged(UserProfile)
    /// The session ended; the tokens are gone from the store and calls throw ``PhoneAuthClientError/notAuthenticated``
    /// without a network round trip until the next sign-in.
    case signedOut(SignOutReason)
}
