import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// PostgreSQL as most teams run it: behind PgBouncer in transaction pooling, where LISTEN cannot work, and with a
/// LISTEN connection that a NAT can kill without closing. Revocation still holds on the next request (issue 24, items
/// 1 and 2): the listener vouches for the cache only while its own heartbeat comes back.
@Suite struct PgBouncerTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    /// Two instances whose `--database` is PgBouncer: a logout, a ban, a force-logout and a role change made through B
    /// are refused by A on its very next request, with A's cache warmed first. Without `--database-listen-url` A says
    /// why its cache is bypassed (naming PgBouncer and the flag); with it, A vouches and serves from its cache again.
    @Test(arguments: [false, true])
    func revocationsThroughOneInstanceAreRefusedByTheOtherOnItsNextRequest(directListen: Bool) async throws {
        let harness = try await TestHarness.make(try #require(Self.backends.first))
        let pooled = try TestPgBouncer.url(for: harness)
        let extra = ["--metrics-on-main-port"] + (directListen ? ["--database-listen-url", harness.databaseURL] : [])
        let log = harness.folder.appendingPathComponent("a.log")
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let a = try await Instance.start(database: pooled, webhook: webhook, extra: extra, logFile: log)
            let b: Instance
            do {
                b = try await Instance.start(
                    database: pooled, webhook: webhook, extra: extra, logFile: harness.folder.appendingPathComponent("b.log"))
            } catch {
                await a.stop()
                throw error
            }
            try await Instance.stopping([a, b]) {
                let expected = directListen ? "live" : "no_notifications"
                #expect(try await a.waitForAuthCache(state: expected) == expected)

                let operatorPhone = "+13125550190"
                let promoted = try await a.signIn(receiver, phone: operatorPhone)
                try await expectCLI(["admin", "promote", operatorPhone, "--database", pooled])
                let admin = try await a.refresh(promoted.refresh)  // a role change ends older access tokens

                let alice = try await a.signIn(receiver, phone: "+13125550101")
                try await a.expectServedTwice("/api/v1/profile", token: alice.access)
                #expect(try await b.request("POST", "/auth/logout", token: alice.access).status == 204)
                #expect(try await a.request("GET", "/api/v1/profile", token: alice.access).status == 401)

                let bob = try await a.signIn(receiver, phone: "+13125550102")
                try await a.expectServedTwice("/api/v1/profile", token: bob.access)
                let bobID = try await a.userID(token: bob.access)
                let banned = try await b.request("POST", "/admin/users/\(bobID)/disable", json: ["reason": "fraud"], token: admin.access)
                #expect(banned.status == 200)
                let refusedBob = try await a.request("GET", "/api/v1/profile", token: bob.access)
                #expect(refusedBob.status == 401)
                #expect(refusedBob.errorCode == "account_disabled")

                let carol = try await a.signIn(receiver, phone: "+13125550103")
                try await a.expectServedTwice("/api/v1/profile", token: carol.access)
                let carolID = try await a.userID(token: carol.access)
                #expect(try await b.request("POST", "/admin/users/\(carolID)/force-logout", token: admin.access).status == 200)
                #expect(try await a.request("GET", "/api/v1/profile", token: carol.access).status == 401)

                let deputyPhone = "+13125550104"
                let before = try await a.signIn(receiver, phone: deputyPhone)
                try await expectCLI(["admin", "promote", deputyPhone, "--database", pooled])
                let deputy = try await a.refresh(before.refresh)
                try await a.expectServedTwice("/admin/users/search?q=555", token: deputy.access)
                let deputyID = try await a.userID(token: deputy.access)
                let demoted = try await b.request("PATCH", "/admin/users/\(deputyID)", json: ["role": "user"], token: admin.access)
                #expect(demoted.status == 200)
                let demotedCall = try await a.request("GET", "/admin/users/search?q=555", token: deputy.access)
                #expect(demotedCall.status == 401)  // a role change ends the tokens issued before it
                #expect(demotedCall.errorCode == "token_stale")

                let health = try await a.request("GET", "/health/ready")
                let cache = try #require(health.json["auth_cache"] as? [String: any Sendable])
                #expect(health.status == 200)
                #expect(cache["state"] as? String == expected)
                let hits = try await a.metric("phoneauth_auth_cache_hits_total")
                let bypasses = try await a.metric("phoneauth_auth_cache_bypasses_total")
                if directListen {
                    #expect(hits >= 4)
                    #expect(try await a.metric("phoneauth_auth_cache_vouched") == 1)
                } else {
                    #expect(hits == 0)
                    #expect(bypasses >= 8)
                    #expect(try await a.metric("phoneauth_auth_cache_vouched") == 0)
                    let warning = try String(contentsOf: log, encoding: .utf8)
                    #expect(warning.contains("PgBouncer"))
                    #expect(warning.contains("--database-listen-url"))
                    #expect(warning.components(separatedBy: "auth-state cache bypassed").count == 2, "warned once, not per reconnect")
                }
            }
        }
    }

    /// The LISTEN connection goes silent without closing (a black-holed proxy between it and PostgreSQL): within five
    /// seconds the listener stops vouching and a ban written by the operator CLI is refused; once the path is back the
    /// cache is used again, emptied first.
    @Test(arguments: backends)
    func aBanIsRefusedWithinFiveSecondsWhenTheListenConnectionSilentlyDies(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        guard case .postgres(let direct) = harness.config.database else { return }
        let proxy = try await BlackHoleProxy.start(forwardingTo: direct.port)
        let listenURL = "postgres://\(direct.username)@127.0.0.1:\(proxy.port)/\(direct.database)?sslmode=disable"
        let log = harness.folder.appendingPathComponent("server.log")
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(
                database: harness.databaseURL, webhook: webhook, extra: ["--database-listen-url", listenURL, "--metrics-on-main-port"], logFile: log)
            defer { Task { await proxy.stop() } }
            try await Instance.stopping([server]) {
                #expect(try await server.waitForAuthCache(state: "live") == "live")
                let phone = "+996555123456"
                let user = try await server.signIn(receiver, phone: phone)
                try await server.expectServedTwice("/api/v1/profile", token: user.access)

                proxy.blackHole()
                try await expectCLI(["admin", "disable", "--phone", phone, "--database", harness.databaseURL])
                let banned = ContinuousClock.now
                var answer = try await server.request("GET", "/api/v1/profile", token: user.access)
                while answer.status == 200, ContinuousClock.now - banned < .seconds(10) {
                    try await Task.sleep(for: .milliseconds(100))
                    answer = try await server.request("GET", "/api/v1/profile", token: user.access)
                }
                let took = ContinuousClock.now - banned
                #expect(answer.status == 401)
                #expect(answer.errorCode == "account_disabled")
                #expect(took < .seconds(5), "refused after \(took)")
                // The watchdog logs within a quarter of a heartbeat of the cache turning bypassed.
                var logged = ""
                for _ in 0..<40 where !logged.contains("heartbeat stopped coming back") {
                    try await Task.sleep(for: .milliseconds(50))
                    logged = try String(contentsOf: log, encoding: .utf8)
                }
                #expect(logged.contains("heartbeat stopped coming back"))

                proxy.restore()
                #expect(try await server.waitForAuthCache(state: "live", within: .seconds(20)) == "live")
                #expect(try await server.metric("phoneauth_auth_cache_vouched") == 1)
                #expect(try await server.request("GET", "/api/v1/profile", token: user.access).errorCode == "account_disabled")
            }
        }
    }

    /// Behind PgBouncer, LISTENs left on pooled server connections (by earlier instances, or anyone) deliver
    /// notifications to whichever client holds the connection. One arriving while postgres-nio waits for a LISTEN to
    /// complete stopped the process (seen twice in CI: "ListenStateMachine: Invalid state: starting"). The listener now
    /// LISTENs on the shared channel only where a probe of its own came back. This stress does not bring the crash back
    /// every time on the old code (it passed there when tried): it checks that instances started while stray
    /// notifications fly stay up, never log a fatal error, and say why their cache is bypassed.
    @Test(arguments: backends)
    func strayNotificationsFromPooledServerConnectionsStopNoInstance(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let pooled = try TestPgBouncer.url(for: harness)
        guard case .postgres(var setting) = harness.config.database else { return }
        setting.port = try #require(Int(ProcessInfo.processInfo.environment["PHONEAUTH_TEST_PGBOUNCER_PORT"] ?? ""))
        let bouncer = setting
        // Stale LISTENs on several pooled server connections, then a steady stream of NOTIFYs through the pool.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 { group.addTask { try await TestPostgres.run(on: bouncer, "LISTEN phoneauth_changes") } }
            try await group.waitForAll()
        }
        let notifier = Task {
            while !Task.isCancelled {
                try? await TestPostgres.run(on: bouncer, "NOTIFY phoneauth_changes, 'stray'")
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        defer { notifier.cancel() }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            for round in 0..<3 {
                let log = harness.folder.appendingPathComponent("stray-\(round).log")
                let instance = try await Instance.start(database: pooled, webhook: webhook, extra: ["--metrics-on-main-port"], logFile: log)
                try await Instance.stopping([instance]) {
                    #expect(try await instance.waitForAuthCache(state: "no_notifications") == "no_notifications")
                    try await Task.sleep(for: .seconds(1))
                    #expect(try await instance.request("GET", "/health").status == 200, "round \(round)")
                }
                let said = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
                #expect(!said.contains("Fatal error"), "\(said.suffix(2_000))")
            }
        }
    }

    private func expectCLI(_ arguments: [String]) async throws {
        let result = try await CLIRunner.run(arguments, binary: "PhoneAuthServer")
        #expect(result.status == 0, "\(arguments.prefix(2)): \(result.stderr)")
    }
}

/// PgBouncer in transaction pooling in front of the test cluster (`make test` starts it: `Tests/pgbouncer.sh`).
enum TestPgBouncer {
    /// The harness's database reached through PgBouncer. With PostgreSQL under test, a missing PgBouncer fails.
    static func url(for harness: TestHarness) throws -> String {
        let port = try #require(ProcessInfo.processInfo.environment["PHONEAUTH_TEST_PGBOUNCER_PORT"], "PgBouncer is not running")
        guard case .postgres(let setting) = harness.config.database else { throw MotoError("PgBouncer needs PostgreSQL") }
        return "postgres://\(setting.username)@127.0.0.1:\(port)/\(setting.database)?sslmode=disable"
    }
}

extension Instance {
    /// Polls `/health/ready` until the auth cache reports `state` (or `within` passes); returns the last state seen.
    func waitForAuthCache(state wanted: String, within limit: Duration = .seconds(10)) async throws -> String? {
        let start = ContinuousClock.now
        var state: String?
        repeat {
            let health = try await request("GET", "/health/ready")
            state = (health.json["auth_cache"] as? [String: any Sendable])?["state"] as? String
            if state == wanted { return state }
            try await Task.sleep(for: .milliseconds(100))
        } while ContinuousClock.now - start < limit
        return state
    }

    /// Two answers of 200 in a row: the second comes from the cache when the listener vouches.
    func expectServedTwice(_ path: String, token: String) async throws {
        for _ in 0..<2 { #expect(try await request("GET", path, token: token).status == 200, "\(path)") }
    }

    func refresh(_ refreshToken: String) async throws -> (access: String, refresh: String) {
        let answer = try await request("POST", "/auth/refresh", json: ["refresh_token": refreshToken])
        #expect(answer.status == 200)
        return (try #require(answer.json["access_token"] as? String), try #require(answer.json["refresh_token"] as? String))
    }

    func userID(token: String) async throws -> Int {
        try #require(try await request("GET", "/api/v1/profile", token: token).json["id"] as? Int)
    }

    /// One sample's value (summed over labels) from this instance's `/metrics`.
    func metric(_ name: String) async throws -> Double {
        let text = try await CurlClient.isolated().perform(CurlRequest(url: "http://127.0.0.1:\(port)/metrics", method: "GET"))
        return PrometheusText(String(decoding: text.body, as: UTF8.self)).total(name)
    }
}
