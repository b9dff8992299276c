import Crypto
import Foundation
import Hummingbird
import Logging
import PhoneAuthCore

/// The console's sign-in, held by the browser as two cookies: the access token and the refresh token of a real
/// session (opened by the same send/verify flow as the app's), both `HttpOnly`, `SameSite=Strict`, `Path=/console`,
/// `Secure` over TLS (the server's own, or a trusted proxy's that says `X-Forwarded-Proto: https`). Every page
/// resolves the access token through the one `CallerResolver` (so a ban, a revoked session or a force-logout ends the
/// console too) and, when it has expired or turned stale, rotates the pair as the app would. The role is the user
/// row's, re-read on every page.
struct ConsoleSession: Sendable {
    static let accessCookie = "phoneauth_console"
    static let refreshCookie = "phoneauth_console_refresh"
    /// Before sign-in there is no session to bind a CSRF token to: the forms carry this cookie's value instead.
    static let formCookie = "phoneauth_console_form"
    static let path = "/console"

    let resolver: any CallerResolver
    let sessions: SessionService
    let random: any RandomSource
    /// Idle and absolute limits; cookies live as long as the absolute one (the session ends sooner on the server).
    let limits: ConsoleSessionLimits
    let now: WallClock
    /// The server itself speaks TLS.
    let tls: Bool
    let trustedProxies: Set<String>
    private let csrfKey: SymmetricKey

    init(
        resolver: any CallerResolver, sessions: SessionService, random: any RandomSource, pepper: [UInt8], limits: ConsoleSessionLimits,
        tls: Bool, trustedProxies: Set<String>, now: @escaping WallClock
    ) {
        (self.resolver, self.sessions, self.random, self.limits, self.now) = (resolver, sessions, random, limits, now)
        (self.tls, self.trustedProxies) = (tls, trustedProxies)
        csrfKey = SymmetricKey(data: SHA256.hash(data: pepper + Array("phoneauth console csrf v1".utf8)))
    }

    /// Who the browser is, as of this request.
    enum State: Sendable {
        /// An operator; `renewed` is the rotated pair the response must set.
        case signedIn(Caller, renewed: RefreshTokens.Pair?)
        /// No console session, or one that ended (the message says why, when it is worth saying).
        case signedOut(notice: String?)
        /// A signed-in user whose role is not admin (demoted, or never was).
        case notOperator(Caller)
    }

    func state(of request: Request, logger: Logger) async -> State {
        let cookies = request.cookies
        guard let access = cookies[Self.accessCookie]?.value else { return .signedOut(notice: nil) }
        var renewed: RefreshTokens.Pair?
        let caller: Caller
        do {
            caller = try await resolver.resolve(bearer: access, logger: logger)
        } catch let error as AppError where error.kind == .tokenExpired || error.kind == .tokenStale {
            guard let refresh = cookies[Self.refreshCookie]?.value, let session = try? await sessions.session(forRefresh: refresh) else {
                return .signedOut(notice: "Your console session has ended. Sign in again.")
            }
            // Before rotating: a refresh counts as activity.
            if let end = limits.end(of: session, at: now()) { return await ended(session, end, logger: logger) }
            guard let grant = try? await sessions.refresh(refresh, logger: logger),
                let current = try? await resolver.resolve(bearer: grant.pair.accessToken, logger: logger)
            else { return .signedOut(notice: "Your console session has ended. Sign in again.") }
            (caller, renewed) = (current, grant.pair)
        } catch let error as AppError where error.kind == .accountDisabledSession {
            return .signedOut(notice: "This account is banned.")
        } catch {
            return .signedOut(notice: "Your console session has ended. Sign in again.")
        }
        guard let session = caller.session else { return .signedOut(notice: nil) }
        if let end = limits.end(of: session, at: now()) { return await ended(session, end, logger: logger) }
        return caller.user.role == UserRole.admin.rawValue ? .signedIn(caller, renewed: renewed) : .notOperator(caller)
    }

    /// Ends the session on the server too, so its tokens stop working for the API as well.
    private func ended(_ session: UserSession, _ end: ConsoleSessionLimits.End, logger: Logger) async -> State {
        try? await sessions.end(session)
        logger.notice("console session ended", metadata: ["user_id": "\(session.userID)", "limit": "\(end.rawValue)"])
        return .signedOut(notice: "Your console session has ended. Sign in again.")
    }

    // MARK: Cookies

    /// Whether the browser reached us over HTTPS: the server's own TLS, or a trusted proxy in front that terminated it.
    func isSecure(_ request: Request, peer: String?) -> Bool {
        if tls { return true }
        guard let peer, trustedProxies.contains(peer) else { return false }
        return request.headers[.xForwardedProto]?.lowercased() == "https"
    }

    func cookies(for pair: RefreshTokens.Pair, secure: Bool) -> [Cookie] {
        [cookie(Self.accessCookie, pair.accessToken, secure: secure), cookie(Self.refreshCookie, pair.refreshToken, secure: secure)]
    }

    /// Expired at once: what signing out (or a refusal) sends.
    func clearing(secure: Bool) -> [Cookie] {
        [Self.accessCookie, Self.refreshCookie].map { cookie($0, "", maxAge: 0, secure: secure) }
    }

    func formCookie(_ value: String, secure: Bool) -> Cookie {
        cookie(Self.formCookie, value, maxAge: 3_600, secure: secure)
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int? = nil, secure: Bool) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge ?? Int(limits.absolute.seconds), path: Self.path, secure: secure, httpOnly: true,
            sameSite: .strict)
    }

    // MARK: CSRF

    /// The token every form of a signed-in page carries: bound to the session, so it dies with it.
    func csrfToken(for caller: Caller) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data((caller.sessionID ?? "").utf8), using: csrfKey)).base64URL
    }

    func isValidCSRF(_ presented: String?, for caller: Caller) -> Bool {
        guard let presented, let sessionID = caller.sessionID, let bytes = Data(base64URLEncoded: presented) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(sessionID.utf8), using: csrfKey)
    }

    /// Before sign-in: the form's token must equal the form cookie's (a page of another site can read neither).
    func newFormToken() -> String { random.bytes(24).base64URL }

    func isValidFormToken(_ presented: String?, in request: Request) -> Bool {
        guard let presented, !presented.isEmpty, let expected = request.cookies[Self.formCookie]?.value else { return false }
        return presented.utf8.count == expected.utf8.count && zip(presented.utf8, expected.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
