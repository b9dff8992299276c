import Foundation

/// The signed-in client: attaches the bearer token, refreshes it ahead of expiry (under 60 s left) and once after a
/// 401 `token_expired`/`token_stale`, and lets concurrent calls share a single refresh. A refused refresh clears the
/// stored tokens and throws `notAuthenticated`.
public actor PhoneAuthSession {
    public nonisolated let client: PhoneAuthClient
    private let store: any TokenStore
    private let now: @Sendable () -> Date
    private var refreshing: Task<StoredCredentials, any Error>?

    public init(client: PhoneAuthClient, store: any TokenStore, now: @escaping @Sendable () -> Date = { Date() }) {
        self.client = client
        self.store = store
        self.now = now
    }

    /// Verifies the code of the send named by `verificationID` and keeps the tokens.
    @discardableResult
    public func signIn(verificationID: String, code: String) async throws -> UserProfile {
        let grant = try await client.verifyCode(verificationID: verificationID, code: code)
        try keep(grant)
        return grant.user
    }

    /// Verifies a code by phone number (when the verification id is not at hand) and keeps the tokens.
    @discardableResult
    public func signIn(phone: String, code: String) async throws -> UserProfile {
        let grant = try await client.verifyCode(phone: phone, code: code)
        try keep(grant)
        return grant.user
    }

    /// The stored credentials, or nil when logged out.
    public func credentials() throws -> StoredCredentials? {
        try store.load(server: client.baseURL)
    }

    public func profile() async throws -> UserProfile {
        try await authorized { token in try await self.client.call("GET", "api/v1/profile", token: token) }
    }

    /// Ends sessions on the server (`global`, `local` or `others`) and, unless `others`, forgets the tokens here.
    public func logout(scope: String = "global") async throws {
        _ = try await authorized { token -> Data in
            try await self.client.raw("POST", "auth/logout", token: token, query: [URLQueryItem(name: "scope", value: scope)])
        }
        if scope != "others" { try store.clear(server: client.baseURL) }
    }

    /// Runs `call` with a valid access token; after a 401 a refresh may cure, refreshes once and tries again.
    public func authorized<Value: Sendable>(_ call: @Sendable (String) async throws -> Value) async throws -> Value {
        let credentials = try await validCredentials()
        do {
            return try await call(credentials.accessToken)
        } catch let error as PhoneAuthClientError where error.callsForRefresh {
            return try await call(try await refresh(after: credentials).accessToken)
        }
    }

    private func validCredentials() async throws -> StoredCredentials {
        guard let stored = try store.load(server: client.baseURL) else { throw PhoneAuthClientError.notAuthenticated }
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
            return try keep(try await client.refresh(refreshToken: refreshToken))
        } catch let error as PhoneAuthClientError where error.endsSession {
            try? store.clear(server: client.baseURL)
            throw PhoneAuthClientError.notAuthenticated
        }
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
