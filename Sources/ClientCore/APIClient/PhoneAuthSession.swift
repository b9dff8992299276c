import Foundation

/// The signed-in client: attaches the bearer token, refreshes it ahead of expiry (under 60 s left) and once after a
/// 401 `token_expired`/`token_stale`, and lets concurrent calls share a single refresh.
///
/// When the server says the session is over (a 401 a refresh cannot cure, a refused refresh, or `account_disabled`),
/// the tokens are cleared once, subscribers to ``authStateChanges()`` hear ``AuthStateChange/signedOut(_:)`` once with
/// the reason, and every later call throws ``PhoneAuthClientError/notAuthenticated`` without a network round trip.
public actor PhoneAuthSession {
    /// The stateless client underneath (send a code, verify it).
    public nonisolated let client: PhoneAuthClient
    private let store: any TokenStore
    private let now: @Sendable () -> Date
    private var refreshing: Task<StoredCredentials, any Error>?
    private var subscribers: [UUID: AsyncStream<AuthStateChange>.Continuation] = [:]

    /// A session over `client` keeping its tokens in `store`.
    ///
    /// - Parameters:
    ///   - client: The server to talk to.
    ///   - store: Where the tokens are kept (``FileTokenStore``, ``InMemoryTokenStore`` or an app's keychain store).
    ///   - now: The clock (tests pin it).
    public init(client: PhoneAuthClient, store: any TokenStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.store = store
        self.now = now
    }

    /// Verifies the code of the send named by `verificationID` and keeps the tokens.
    @discardableResult
    public func signIn(verificationID: String, code: String) async throws -> UserProfile {
        try signIn(with: try await client.verifyCode(verificationID: verificationID, code: code))
    }

    /// Verifies a code by phone number (when the verification id is not at hand) and keeps the tokens.
    @discardableResult
    public func signIn(phone: String, code: String) async throws -> UserProfile {
        try signIn(with: try await client.verifyCode(phone: phone, code: code))
    }

    /// Signs in without a text where the number's operator offers Number Verification: asks the server for a flow,
    /// opens the operator's address over the mobile network with `browser`, and trades the redirect for tokens, which
    /// the session keeps. Any way it cannot work (no operator, Wi-Fi, another SIM, the operator down) ends in
    /// ``SilentSignInResult/sendCode(reason:)``: send a code then. A ban or a recent SIM swap still throws, as it would
    /// for a code.
    public func signInSilently(
        phone: String, browser: any MobileNetworkBrowser = URLSessionMobileNetworkBrowser()
    ) async throws
        -> SilentSignInResult
    {
        var generator = SystemRandomNumberGenerator()
        let verifier = Base64URL.encode((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        var digest = SHA256Digest()
        digest.update(Array(verifier.utf8))
        let started = try await client.startNetworkSignIn(phone: phone, codeChallenge: Base64URL.encode(digest.finalize()))
        guard started.method == "network", let flowID = started.flowID, let address = started.authorizeURL.flatMap(URL.init(string:)),
            let callback = started.callbackURL.flatMap(URL.init(string:))
        else { return .sendCode(reason: started.reason ?? "no_operator") }
        let redirect: URL
        do { redirect = try await browser.follow(address, until: callback) } catch { return .sendCode(reason: "network_unreachable") }
        let query = Dictionary(
            (URLComponents(url: redirect, resolvingAgainstBaseURL: false)?.queryItems ?? []).map { ($0.name, $0.value ?? "") },
            uniquingKeysWith: { first, _ in first })
        guard let code = query["code"], let state = query["state"] else { return .sendCode(reason: "network_declined") }
        do {
            let grant = try await client.verifyNetworkSignIn(NetworkVerifyRequest(flowID: flowID, code: code, state: state, codeVerifier: verifier))
            return .signedIn(try signIn(with: grant), previousAccount: grant.previousAccount)
        } catch let error as PhoneAuthClientError {
            guard let code = error.errorCode, [ErrorCode.networkVerificationFailed, .networkCheckUnavailable].contains(code) else { throw error }
            return .sendCode(reason: code.rawValue)
        }
    }

    /// Keeps a grant that ``PhoneAuthClient/verifyCode(verificationID:code:)`` returned to a caller that wanted it
    /// whole (its tokens, say, or `previousAccount`: `detached` when the number's dormant account was set aside and
    /// this is a fresh one, worth telling the user): from here the session refreshes it like one it signed in itself.
    @discardableResult
    public func signIn(with grant: TokenGrant) throws -> UserProfile {
        publish(.signedIn(AuthState(try keep(grant))))
        return grant.user
    }

    // MARK: Auth state

    /// Every change of the auth state from now on, starting with ``AuthStateChange/initialSession(_:)``. Any number of
    /// subscribers may observe at once and each sees the same events in the same order; cancelling the task that
    /// iterates ends its stream.
    public func authStateChanges() -> AsyncStream<AuthStateChange> {
        let (stream, continuation) = AsyncStream.makeStream(of: AuthStateChange.self)
        let id = UUID()
        continuation.onTermination = { [weak self] _ in
            Task { await self?.unsubscribe(id) }
        }
        // An expired session is ended (and said to the earlier subscribers) before this one starts with nil.
        let initial = (try? storedSession()).map(AuthState.init)
        subscribers[id] = continuation
        continuation.yield(.initialSession(initial))
        return stream
    }

    /// How many streams are open (tests check that cancelled ones are gone).
    var subscriberCount: Int { subscribers.count }

    private func unsubscribe(_ id: UUID) {
        subscribers[id] = nil
    }

    private func publish(_ change: AuthStateChange) {
        for continuation in subscribers.values { continuation.yield(change) }
    }

    /// The server said the session that `token` belonged to is over: forget it, once. Later failures of the same
    /// (already forgotten) session change nothing and say nothing.
    private func endSession(_ reason: SignOutReason, token: String) {
        guard let stored = try? store.load(server: client.baseURL), stored.accessToken == token || stored.refreshToken == token else { return }
        try? store.clear(server: client.baseURL)
        publish(.signedOut(reason))
    }

    /// The stored credentials, or nil when logged out (also when the refresh token has expired).
    public func credentials() throws -> StoredCredentials? {
        try storedSession()
    }

    /// The stored credentials, unless the refresh token has expired (the app was not used for its whole lifetime):
    /// then the session is over here without asking the server, cleared once with ``SignOutReason/expired``.
    private func storedSession() throws -> StoredCredentials? {
        guard let stored = try store.load(server: client.baseURL) else { return nil }
        guard stored.refreshExpiresAt <= now() else { return stored }
        try store.clear(server: client.baseURL)
        publish(.signedOut(.expired))
        return nil
    }

    /// The user's profile, read fresh from the server.
    public func profile() async throws -> UserProfile {
        try await authorized { token in try await self.client.call("GET", "api/v1/profile", token: token) }
    }

    /// Ends sessions on the server (`global`, `local` or `others`) and, unless `others`, forgets the tokens here.
    /// A session the server had already ended (or that expired) counts as logged out, not as a failure; never having signed in throws
    /// ``PhoneAuthClientError/notAuthenticated``.
    public func logout(scope: String = "global") async throws {
        guard try store.load(server: client.baseURL) != nil else { throw PhoneAuthClientError.notAuthenticated }
        guard try storedSession() != nil else { return }  // expired: over already, nothing left to end on the server
        do {
            _ = try await authorized { token -> Data in
                try await self.client.raw("POST", "auth/logout", token: token, query: [URLQueryItem(name: "scope", value: scope)])
            }
        } catch let error as PhoneAuthClientError where error == .notAuthenticated || error.signOutReason != nil {
            return  // already over; `authorized` has cleared the tokens and told the subscribers why
        }
        if scope != "others", try store.load(server: client.baseURL) != nil {
            try store.clear(server: client.baseURL)
            publish(.signedOut(.userLogout))
        }
    }

    /// Deletes the account on the server and forgets the tokens here (subscribers hear
    /// ``SignOutReason/accountDeleted``). The server asks for a fresh sign-in first: within a few minutes of
    /// verifying a code, so an app signs the user in again (``PhoneAuthClient/sendCode(phone:channel:language:token:onChallenge:)``
    /// to the account's number, then ``signIn(verificationID:code:)``) and calls this right after; otherwise it
    /// throws ``PhoneAuthClientError/server(status:code:message:details:)`` with code `step_up_required`.
    public func deleteAccount() async throws {
        _ = try await authorized { token in try await self.client.raw("DELETE", "api/v1/account", token: token) }
        if try store.load(server: client.baseURL) != nil {
            try store.clear(server: client.baseURL)
            publish(.signedOut(.accountDeleted))
        }
    }

    /// Step 1 of moving the account to another number: a code goes to `phone` (by `channel` when given), with the
    /// same limits and challenges as a sign-in. The answer is the same whoever holds the number.
    public func changePhone(
        to phone: String, channel: Channel? = nil, language: String? = nil, onChallenge: (@Sendable (ProofOfWorkChallenge.Progress) -> Void)? = nil
    ) async throws -> CodeSent {
        let request = SendCodeRequest(phone: phone, language: language, channel: channel)
        return try await authorized { token in
            try await self.client.sendCode(request, to: "api/v1/account/phone", token: token, onChallenge: onChallenge)
        }
    }

    /// Step 2: the code sent to the new number, entered on this device (the one that asked). Subscribers hear
    /// ``AuthStateChange/phoneChanged(_:)``; the account's other devices are signed out. Another account holding the
    /// number throws code `phone_taken`.
    public func confirmPhoneChange(verificationID: String, code: String) async throws -> UserProfile {
        let profile: UserProfile = try await authorized { token in
            try await self.client.call(
                "POST", "api/v1/account/phone/verify", body: VerifyCodeRequest(verificationID: verificationID, code: code), token: token)
        }
        publish(.phoneChanged(profile))
        return profile
    }

    /// Everything the server stores about the user, as the JSON document the server sends (profile, addresses,
    /// sessions, codes sent, deliveries, number history, bans), for the user to save.
    public func exportData() async throws -> Data {
        try await authorized { token in try await self.client.raw("GET", "api/v1/account/export", token: token) }
    }

    /// Runs `call` with a valid access token; after a 401 a refresh may cure, refreshes once and tries again. An answer
    /// that says the session is over ends it here too (see the type's documentation) and is rethrown.
    public func authorized<Value: Sendable>(_ call: @Sendable (String) async throws -> Value) async throws -> Value {
        var credentials = try await validCredentials()
        do {
            do {
                return try await call(credentials.accessToken)
            } catch let error as PhoneAuthClientError where error.callsForRefresh {
                credentials = try await refresh(after: credentials)
                return try await call(credentials.accessToken)
            }
        } catch let error as PhoneAuthClientError {
            if let reason = error.signOutReason { endSession(reason, token: credentials.accessToken) }
            throw error
        }
    }

    private func validCredentials() async throws -> StoredCredentials {
        guard let stored = try storedSession() else { throw PhoneAuthClientError.notAuthenticated }
        guard stored.accessExpiresAt.timeIntervalSince(now()) < 60 else { return stored }
        return try await refresh(after: stored)
    }

    /// One refresh at a time: callers arriving while it runs await the same result. `stale` is what the caller had;
    /// if the store already holds newer credentials, those are used without another refresh.
    private func refresh(after stale: StoredCredentials) async throws -> StoredCredentials {
        if let refreshing { return try await refreshing.value }
        if let current = try store.load(server: client.baseURL), current.accessToken != stale.accessToken,
            current.accessExpiresAt.timeIntervalSince(now()) >= 60
        {
            return current
        }
        let task = Task { try await self.performRefresh(stale.refreshToken) }
        refreshing = task
        defer { refreshing = nil }
        return try await task.value
    }

    private func performRefresh(_ refreshToken: String) async throws -> StoredCredentials {
        do {
            let credentials = try keep(try await client.refresh(refreshToken: refreshToken))
            publish(.tokenRefreshed(AuthState(credentials)))
            return credentials
        } catch let error as PhoneAuthClientError where error.endsSession {
            // 401: the session is over (banned, or ended elsewhere); any other refusal: it could not be renewed.
            let reason = error.signOutReason ?? .refreshFailed
            endSession(reason, token: refreshToken)
            throw PhoneAuthClientError.notAuthenticated
        }
    }

    func userUpdated(_ profile: UserProfile) {
        publish(.userUpdated(profile))
    }

    @discardableResult
    private func keep(_ grant: TokenGrant) throws -> StoredCredentials {
        let issued = now()
        let credentials = StoredCredentials(
            accessToken: grant.accessToken, accessExpiresAt: issued.addingTimeInterval(TimeInterval(grant.expiresIn)),
            refreshToken: grant.refreshToken, refreshExpiresAt: issued.addingTimeInterval(TimeInterval(grant.refreshExpiresIn)),
            userID: grant.user.id, market: grant.user.market)
        try store.save(credentials, server: client.baseURL)
        return credentials
    }
}
