import ArgumentParser
import Foundation
import Histogram
import NIOHTTP1
import Synchronization

/// An open-loop load: requests start on a fixed schedule whether or not earlier ones have answered, and each latency is
/// counted from when its request was due, so a stall shows in the percentiles instead of slowing the load down
/// (no coordinated omission).
struct FixedRateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixed-rate", abstract: "GET one path at a fixed rate.")

    @Option(help: "PhoneAuth's base URL.") var server: String
    @Option(help: "Path to GET.") var path = "/api/v1/profile"
    @Option(help: "Bearer token (or the TOKEN environment variable).") var token: String?
    @Option(help: "Requests per second.") var rate: Double
    @Option(help: "Seconds the load lasts.") var duration: Double = 10
    @Option(help: "Keep-alive connections.") var connections = 32

    func run() async throws {
        let client = Client(base: server, connections: connections)
        let bearer = token ?? ProcessInfo.processInfo.environment["TOKEN"]
        let headers = bearer.map { [("Authorization", "Bearer \($0)")] } ?? []
        let total = Int(rate * duration)
        let interval = Duration.nanoseconds(Int64(1e9 / rate))
        let start = ContinuousClock.now + .milliseconds(50)
        let tally = Tally()
        let path = self.path
        await withDiscardingTaskGroup { group in
            var issued = 0
            while issued < total {
                let now = ContinuousClock.now
                // Everything due by now starts now; the clock is checked again after a short sleep.
                while issued < total, start + interval * issued <= now {
                    let due = start + interval * issued
                    group.addTask {
                        let answer = try? await client.send(.GET, path, headers: headers)
                        guard answer?.status == 200 else {
                            tally.failures.add(1, ordering: .relaxed)
                            return
                        }
                        let latency = UInt64((ContinuousClock.now - due).microseconds)
                        tally.latencies.withLock { _ = $0.record(latency) }
                    }
                    issued += 1
                }
                try? await Task.sleep(for: .microseconds(500))
            }
        }
        let latencies = tally.latencies.withLock { $0 }
        let wall = (ContinuousClock.now - start).secondsDouble
        try await client.shutdown()
        Report.print([
            "rate": rate, "requests": Double(latencies.totalCount), "errors": Double(tally.failures.load(ordering: .relaxed)),
            "achieved_per_second": Double(latencies.totalCount) / wall,
            "p50_ms": latencies.milliseconds(at: 50), "p99_ms": latencies.milliseconds(at: 99),
            "p999_ms": latencies.milliseconds(at: 99.9), "max_ms": Double(latencies.max) / 1_000,
        ])
    }
}

/// What the requests in flight record into.
private final class Tally: Sendable {
    let failures = Atomic(0)
    let latencies = Mutex(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
}
