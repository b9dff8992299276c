import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// The fleet a team runs (issue 26): three instances on PostgreSQL behind Debian's HAProxy with
/// `deploy/haproxy/haproxy.cfg`, under an open-loop mixed load of sign-ins, profile reads and edits, address creations
/// and refreshes. Restarting every instance in turn (SIGTERM, drain, start again) fails no request and loses no
/// acknowledged write; `kill -9` of one fails only what was in flight on it, and HAProxy routes around it.
@Suite struct FleetTests {
    /// What each instance runs with beside the database: limits opened for one loopback client sending hundreds of
    /// codes (as the benchmark does), and a shutdown delay longer than HAProxy takes to mark an instance down.
    static let instanceArguments = [
        "--trusted-proxies", "127.0.0.1", "--max-sends-per-ip-hour", "1000000", "--max-sends-per-ip-hour-ceiling", "1000000",
        "--max-sends-per-prefix-hour", "1000000", "--sms-budget-hour", "1000000", "--sms-budget-day", "1000000",
        "--resend-cooldown", "0", "--shutdown-delay", "3",
    ]

    @Test func rollingRestartsFailNothingAndAKilledInstanceFailsOnlyItsRequestsInFlight() async throws {
        let harness = try await TestHarness.make(.postgres)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            // The second instance's provider keeps it waiting a second per text, so it always holds requests in flight.
            let fleet = try await Fleet.start(
                database: harness.databaseURL, webhook: webhook,
                extra: [
                    Self.instanceArguments, Self.instanceArguments + ["--sms-webhook-url", webhook + "/latent"], Self.instanceArguments,
                ])
            let port = try MotoServer.freePort()
            let load = MixedLoad(client: LoopbackClient(port: port), receiver: receiver)
            do {
                try await Self.withHAProxy(in: fleet, port: port) { balancer in
                    try await balancer.waitUntilUp(fleet.names)

                    // 1. Every instance restarted in turn under load, each back in HAProxy's rotation before the next.
                    let rolling = try await load.run(atLeast: .seconds(45), perSecond: 30) {
                        try await Task.sleep(for: .seconds(5))
                        for index in fleet.names.indices {
                            try await fleet.restart(index)
                            try await balancer.waitUntilUp([fleet.names[index]])
                        }
                    }
                    print("fleet: rolling restarts of 3 instances under load: \(rolling.summary)")
                    #expect(rolling.restartsDone)
                    #expect(rolling.requests >= 1_000, "\(rolling.summary)")
                    #expect(rolling.failures.isEmpty, "failed during rolling restarts: \(rolling.failures.prefix(10))")
                    #expect(rolling.signIns >= 200)

                    // 2. One instance killed mid-load, while it waits on its provider for at least one text: only requests
                    // it held fail.
                    let heldSends = Locked(0)
                    let killed = try await load.run(atLeast: .seconds(15), perSecond: 30) {
                        try await Task.sleep(for: .seconds(5))
                        while receiver.latentRequestsWaiting == 0 { try await Task.sleep(for: .milliseconds(5)) }
                        load.mark()
                        fleet.kill(1)
                        heldSends.withLock { $0 = receiver.latentRequestsWaiting }
                    }
                    let moment = try #require(killed.marked)
                    let held = heldSends.withLock { $0 }
                    print(
                        "fleet: kill -9 of one instance under load: \(killed.summary); it held \(held) send-code(s) waiting on its provider; "
                            + "failed: \(killed.failures)"
                    )
                    #expect(killed.requests >= 300)
                    // A request that started after the kill reached a live instance (HAProxy tries a refused connection
                    // again elsewhere); a failed one was in flight when the instance died: the sends it held, and at most a
                    // few quick requests it was answering at that moment. HAProxy sends the held requests again to another
                    // instance; their Idempotency-Key makes that a 409, never a second text.
                    #expect(killed.failures.allSatisfy { $0.started < moment }, "\(killed.failures.prefix(10))")
                    // (A send it had taken but not yet passed to its provider fails too: at least the held ones.)
                    #expect(killed.failures.filter { $0.operation == "send-code" }.count >= held, "\(killed.failures)")
                    #expect(killed.failures.count <= held + 5, "\(killed.failures)")
                    let twice = receiver.textsByPhone().filter { $0.value > 1 }
                    #expect(twice.isEmpty, "texted more than once: \(twice)")
                    try await balancer.waitUntilDown([fleet.names[1]])
                    // Routed around: requests still succeed with two of three instances.
                    let routedAround = try await load.run(atLeast: .seconds(3), perSecond: 30) {}
                    #expect(routedAround.failures.isEmpty, "\(routedAround.failures.prefix(10))")
                    try await fleet.restart(1)
                    try await balancer.waitUntilUp(fleet.names)
                }
                // Nothing acknowledged is lost: every user's acknowledged addresses and last acknowledged name, read
                // straight from the instances (and the database behind them).
                let (users, missing) = try await load.verifyAcknowledgedWrites(through: LoopbackClient(port: fleet.instances[0].port))
                print("fleet: acknowledged writes checked for \(users) users")
                #expect(users >= 200)
                #expect(missing.isEmpty, "\(missing.prefix(10))")
            } catch {
                await fleet.stopAll()
                throw error
            }
            await fleet.stopAll()
        }
    }

    /// HAProxy with the shipped configuration, its three backends and ports replaced by the fleet's, nothing else.
    private static func withHAProxy(in fleet: Fleet, port: Int, _ body: (Balancer) async throws -> Void) async throws {
        let shipped = try String(contentsOf: RepositoryFolder.url("deploy/haproxy/haproxy.cfg"), encoding: .utf8)
        let statsPort = try MotoServer.freePort()
        var config = shipped.replacingOccurrences(of: "bind 127.0.0.1:8080", with: "bind 127.0.0.1:\(port)")
            .replacingOccurrences(of: "bind 127.0.0.1:8404", with: "bind 127.0.0.1:\(statsPort)")
        for (index, instance) in fleet.instances.enumerated() {
            let shippedServer = "server phoneauth\(index + 1) 127.0.0.1:\(8081 + index) check"
            #expect(config.contains(shippedServer))
            config = config.replacingOccurrences(of: shippedServer, with: "server \(fleet.names[index]) 127.0.0.1:\(instance.port) check")
        }
        try await Daemon.with("/usr/sbin/haproxy", package: "haproxy") { folder in
            let file = folder.appendingPathComponent("haproxy.cfg")
            try config.write(to: file, atomically: true, encoding: .utf8)
            return ["-db", "-f", file.path]
        } _: { daemon in
            do {
                try await body(Balancer(port: port, statsPort: statsPort, daemon: daemon))
            } catch {
                Issue.record("HAProxy said: \(daemon.output)")
                throw error
            }
        }
    }
}

/// The instances of one test, each restartable on its own port.
private final class Fleet: Sendable {
    let names: [String]
    private let state: Locked<[Instance]>
    private let start: @Sendable (Int, Int?) async throws -> Instance

    var instances: [Instance] { state.withLock { $0 } }

    private init(instances: [Instance], start: @escaping @Sendable (Int, Int?) async throws -> Instance) {
        names = instances.indices.map { "phoneauth\($0 + 1)" }
        state = Locked(instances)
        self.start = start
    }

    /// One instance per element of `extra`, each with those arguments whenever it starts.
    static func start(database: String, webhook: String, extra: [[String]]) async throws -> Fleet {
        let start: @Sendable (Int, Int?) async throws -> Instance = { index, port in
            try await Instance.start(database: database, webhook: webhook, extra: extra[index], port: port)
        }
        var instances: [Instance] = []
        for index in extra.indices { instances.append(try await start(index, nil)) }
        return Fleet(instances: instances, start: start)
    }

    /// SIGTERM, the drain to its end, then the same binary on the same port until it answers `/health`.
    func restart(_ index: Int) async throws {
        let old = instances[index]
        await old.stop()
        let new = try await start(index, old.port)
        state.withLock { $0[index] = new }
    }

    func kill(_ index: Int) {
        instances[index].process.send(SIGKILL)
    }

    func stopAll() async {
        for instance in instances { await instance.stop() }
    }
}

/// HAProxy's frontend and its stats page (CSV).
private struct Balancer {
    let port: Int
    let statsPort: Int
    let daemon: Daemon
    private let curl = CurlClient.isolated()

    init(port: Int, statsPort: Int, daemon: Daemon) {
        self.port = port
        self.statsPort = statsPort
        self.daemon = daemon
    }

    /// Each backend server's status (`UP`, `DOWN`, `UP 1/2` while rising, …) by name.
    func statuses() async throws -> [String: String] {
        let response = try await curl.perform(CurlRequest(url: "http://127.0.0.1:\(statsPort)/stats;csv", method: "GET"))
        let lines = String(decoding: response.body, as: UTF8.self).split(separator: "\n")
        guard let header = lines.first?.dropFirst(2).split(separator: ",", omittingEmptySubsequences: false),
            let name = header.firstIndex(of: "svname"), let status = header.firstIndex(of: "status")
        else { return [:] }
        var result: [String: String] = [:]
        for line in lines.dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count > status, fields[0] == "instances" else { continue }
            result[String(fields[name])] = String(fields[status])
        }
        return result
    }

    func waitUntilUp(_ names: [String]) async throws { try await wait(names, for: "UP") }

    func waitUntilDown(_ names: [String]) async throws { try await wait(names, for: "DOWN") }

    private func wait(_ names: [String], for wanted: String) async throws {
        var seen: [String: String] = [:]
        for _ in 0..<300 {
            guard daemon.isRunning else { throw MotoError("HAProxy exited") }
            seen = (try? await statuses()) ?? [:]
            if names.allSatisfy({ seen[$0] == wanted }) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw MotoError("HAProxy did not see \(names) \(wanted) within 30 s: \(seen)")
    }
}
