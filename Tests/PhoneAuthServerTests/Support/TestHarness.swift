import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthSQLite
@testable import PhoneAuthServer

/// A server as it ships, on a real SQLite file in a fresh temp folder (or a fresh PostgreSQL database), with a pinned
/// clock and a gateway that records what it would have texted.
final class TestHarness: Sendable {
    let folder: URL
    let config: AppConfig
    let clock = ManualClock()
    let sms = RecordingSMSGateway()
    /// Connections of this test's own: loopback servers of other tests never see its requests.
    let curl = CurlClient.isolated()
    /// The server's auth-state cache (on, as shipped), so tests can read its counters.
    let authCache: AuthStateCache

    /// On SQLite.
    convenience init(configure: (inout AppConfig) -> Void = { _ in }) throws {
        try self.init(postgres: nil, configure: configure)
    }

    private init(postgres: PostgresSetting?, configure: (inout AppConfig) -> Void) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var config = AppConfig.testing
        config.database = postgres.map { .postgres($0) } ?? .sqlite(path: folder.appendingPathComponent("test.sqlite").path)
        configure(&config)
        self.config = config
        authCache = AuthStateCache(ttl: config.authCacheTTL, capacity: config.authCacheCapacity)
    }

    /// On the given backend; PostgreSQL gets a database of its own.
    static func make(_ backend: Backend, configure: (inout AppConfig) -> Void = { _ in }) async throws -> TestHarness {
        switch backend {
        case .sqlite: try TestHarness(configure: configure)
        case .postgres: try TestHarness(postgres: try await TestPostgres.createDatabase(), configure: configure)
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
        if case .postgres(let setting) = config.database {
            let name = setting.database
            Task { await TestPostgres.dropDatabase(name) }
        }
    }

    /// The rows under test, on whichever backend.
    var sql: TestSQL { TestSQL(database: config.database, cache: authCache) }

    /// What `--database` takes for this harness's database (the operator CLI, a second server process).
    var databaseURL: String {
        switch config.database {
        case .sqlite(let path): path
        case .postgres(let setting): "postgres://\(setting.username)@\(setting.host):\(setting.port)/\(setting.database)?sslmode=disable"
        }
    }

    /// The SQLite file's path (SQLite-only tests).
    var databasePath: String {
        guard case .sqlite(let path) = config.database else { fatalError("this test runs on SQLite only") }
        return path
    }

    /// The recording gateway stands in for the console one; a configured webhook is used for real.
    var dependencies: AppDependencies {
        AppDependencies(
            now: clock.wallClock, smsGateway: config.smsProviders == [.console] ? sms : nil, curl: curl, authStateCache: authCache)
    }

    func app(_ dependencies: AppDependencies? = nil) async throws -> some ApplicationProtocol {
        try await buildApplication(config, dependencies: dependencies ?? self.dependencies)
    }

    /// Runs `body` against the router in-process (no socket), or against a live server when `setup` says so.
    @discardableResult
    func test<Value: Sendable>(
        _ setup: TestingSetup = .router, _ body: @Sendable (any TestClientProtocol) async throws -> Value
    )
        async throws -> Value
    {
        try await app().test(setup, body)
    }

    /// Asks for a code through the real endpoint; returns the verification id and the code the gateway was given.
    func sendCode(
        _ client: some TestClientProtocol, phone: String = "+13125550100", headers: HTTPFields = [:]
    ) async throws
        -> (id: String, code: String)
    {
        let sent = try await client.request(.post, "/auth/send-code", json: ["phone": phone], headers: headers)
        #expect(sent.status == .accepted)
        let id = try #require(sent.json["verification_id"] as? String)
        return (id, try #require(sms.lastCode(to: try PhoneNumber(parsing: phone).e164)))
    }

    /// A token for a freshly verified user, through the real endpoints (by verification id, as ClientCore does).
    func signIn(_ client: some TestClientProtocol, phone: String = "+13125550100") async throws -> String {
        try await signInGrant(client, phone: phone).access
    }

    /// A token for `phone` signed in and then given the admin role in the database; the role is read afresh on every
    /// request, so the token works on `/admin` at once.
    func signInAdmin(_ client: some TestClientProtocol, phone: String = "+13125550001") async throws -> String {
        let token = try await signIn(client, phone: phone)
        try await makeAdmin(phone: phone)
        return token
    }

    /// Gives the user with this E.164 number the admin role, as `PhoneAuthServer admin promote` would.
    func makeAdmin(phone: String) async throws {
        let e164 = try PhoneNumber(parsing: phone).e164
        try await sql.execute("UPDATE users SET role = 'admin' WHERE phone_number = '\(e164)'")
    }

    /// Signs in and returns the whole token response (access and refresh tokens).
    func signInGrant(
        _ client: some TestClientProtocol, phone: String = "+13125550100", userAgent: String = "tests/1.0"
    ) async throws
        -> (access: String, refresh: String)
    {
        let sent = try await sendCode(client, phone: phone)
        let verified = try await client.request(
            .post, "/auth/verify-code", json: ["verification_id": sent.id, "verification_code": sent.code], headers: [.userAgent: userAgent])
        #expect(verified.status == .ok)
        return (try #require(verified.json["access_token"] as? String), try #require(verified.json["refresh_token"] as? String))
    }

    func database() async throws -> SQLiteDatabase {
        try await SQLiteDatabase.open(path: databasePath)
    }
}

extension AppConfig {
    static var testing: AppConfig {
        var config = AppConfig(
            jwtSecret: Array("test-secret-of-at-least-32-bytes-0123456789".utf8),
            pepper: Array("test-pepper-of-at-least-32-bytes-0123456789".utf8)
        )
        config.logLevel = .critical
        config.port = 0
        // Flows sign the same phone in repeatedly; the limits have tests of their own (AbuseLimitTests).
        config.limits = .off
        // Likewise the fraud defence (FraudDefenceTests).
        config.fraud = .off
        // In-process tests scrape the router they test (MetricsTests checks the shipped default: nowhere).
        config.metricsOnMainPort = true
        return config
    }
}

/// Records each message instead of sending it; the SMS seam is the only one faked in flow tests.
final class RecordingSMSGateway: MessageGateway {
    private let messages = Locked<[CodeMessage]>([])
    private let failures = Locked(0)

    /// The next `count` sends fail as if every provider were down.
    func failNext(_ count: Int) {
        failures.withLock { $0 = count }
    }

    func send(_ message: CodeMessage, logger: Logger) async throws -> SentMessage {
        let fail = failures.withLock { remaining in
            defer { remaining = max(0, remaining - 1) }
            return remaining > 0
        }
        if fail { throw AppError.smsUnavailable.retrying(after: 30) }
        let count = messages.withLock {
            $0.append(message)
            return $0.count
        }
        return SentMessage(provider: "recording", messageID: "recorded-\(count)")
    }

    var sent: [CodeMessage] { messages.withLock { $0 } }

    func lastCode(to e164: String) -> String? {
        sent.last { $0.to.e164 == e164 }?.code
    }
}

extension TestClientProtocol {
    func request(
        _ method: HTTPRequest.Method, _ uri: String, json: [String: Any]? = nil, body: String? = nil, token: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let json {
            buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json))
            headers[.contentType] = "application/json"
        } else if let body {
            buffer = ByteBuffer(string: body)
            headers[.contentType] = "application/json"
        }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer)
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// The `error.code` of an error body.
    var errorCode: String? {
        (json["error"] as? [String: Any])?["code"] as? String
    }

    var errorDetail: [String: Any] {
        json["error"] as? [String: Any] ?? [:]
    }
}
