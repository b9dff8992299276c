import PhoneAuthAPI
import PhoneAuthCore

extension TokenGrant {
    /// A signed-in session: verify-code and refresh both answer with it.
    init(_ grant: SessionService.Grant, service: SessionService) {
        self.init(
            accessToken: grant.pair.accessToken, expiresIn: service.tokens.lifetimeSeconds, refreshToken: grant.pair.refreshToken,
            refreshExpiresIn: Int(service.refreshLifetime.seconds), user: UserProfile(grant.user),
            previousAccount: grant.detachedPrevious ? "detached" : nil)
    }
}
