import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// PostgreSQL restarts in the middle of a burst: PhoneAuth keeps answering, every failure is a clean 503, nothing is
/// half-written, and service resumes without restarting PhoneAuth (issue 11).
@Suite struct PostgresRestartTests {
    final class Flag: Sendable {
        private let value = Locked(false)
        var isSet: Bool { value.withLock { $0 } }
        func set() { value.withLock { $0 = true } }
    }

    /// `make test` exports the cluster's data folder so a test can restart it.
    static func restartCluster() async throws {
        let data = try #require(ProcessInfo.processInfo.environment["PHONEAUTH_TEST_POSTGRES_DATA"], "PHONEAUTH_TEST_POSTGRES_DATA is not set")
        let status = await Spawn.run([
            "/usr/sbin/runuser", "-u", "postgres", "--", "/usr/lib/postgresql/15/bin/pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "60", "restart",
        ])
        #expect(status == 0)
    }

    @Test(arguments: Backend.all.filter { $0 == .postgres })
    func aRestartDuringABurstFailsCleanlyAndServiceResumes(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(
                database: harness.databaseURL, webhook: webhook, extra: ["--database-connect-timeout", "2", "--max-sends-per-ip-hour", "1000"])
            var signedIn: [String] = []
            for index in 0..<4 {
                let phone = "+1312555010\(index)"
                let sent = try await server.request("POST", "/auth/send-code", json: ["phone": phone])
                let verified = try await server.request(
                    "POST", "/auth/verify-code",
                    json: [
                        "verification_id": try #require(sent.json["verification_id"] as? String),
                        "verification_code": try #require(receiver.lastCode(to: phone)),
                    ])
                signedIn.append(try #require(verified.json["access_token"] as? String))
            }
            let tokens = signedIn
            // Eight clients create addresses back to back while the cluster restarts under them, and a little after.
            let restarted = Flag()
            let answers = try await withThrowingTaskGroup(of: [(line: String, answer: Instance.Answer)].self) { group in
                for worker in 0..<8 {
                    group.addTask {
                        var mine: [(line: String, answer: Instance.Answer)] = []
                        var index = 0
                        var afterRestart = 0
                        while afterRestart < 3, index < 400 {
                            let line = "Burst street \(worker)-\(index)"
                            let answer = try await server.request(
                                "POST", "/api/v1/profile/addresses",
                                json: ["line1": line, "city": "Chicago", "region": "IL", "postal_code": "60606"], token: tokens[worker % 4])
                            mine.append((line, answer))
                            index += 1
                            if restarted.isSet { afterRestart += 1 }
                        }
                        return mine
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(300))
                    try await Self.restartCluster()
                    restarted.set()
                    return []
                }
                return try await group.reduce(into: [(line: String, answer: Instance.Answer)]()) { $0 += $1 }
            }

            let created = answers.filter { $0.answer.status == 201 }.map(\.line)
            // The address book is full after 20 per user: a clean 409 is an answer too.
            let failed = answers.filter { $0.answer.status != 201 && $0.answer.errorCode != "address_limit_reached" }
            #expect(!failed.isEmpty, "the restart should have hit some requests")
            for failure in failed {
                #expect(failure.answer.status == 503, "\(failure.line): \(failure.answer.status) \(failure.answer.json)")
                #expect(failure.answer.errorCode == "storage_unavailable")
            }
            // Service resumes on its own.
            var healthy = false
            for _ in 0..<300 where !healthy {
                healthy = try await server.request("GET", "/health").status == 200
                if !healthy { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(healthy)
            #expect(try await server.request("GET", "/api/v1/profile", token: tokens[0]).status == 200)
            await server.stop()

            // Every acknowledged create is stored, whole; a row beyond them is a create whose answer was lost after its commit.
            let stored = try await harness.sql.addresses()
            let lines = Set(stored.map(\.line1))
            #expect(Set(created).isSubset(of: lines))
            #expect(stored.allSatisfy { $0.city == "Chicago" && $0.region == "IL" && $0.postalCode == "60606" && $0.country == "United States" })
            #expect(stored.count <= created.count + failed.count)
            #expect(stored.count <= 4 * 20)
        }
    }
}
