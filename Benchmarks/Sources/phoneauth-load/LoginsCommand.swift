import ArgumentParser
import Foundation
import Histogram
import Synchronization

/// Full logins for distinct phones: send-code, the code from the sink, verify-code; `concurrency` at a time.
struct LoginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logins", abstract: "Full logins at a fixed concurrency.")

    @Option(help: "PhoneAuth's base URL.") var server: String
    @Option(help: "The code sink's base URL.") var sink: String
    @Option(help: "How many logins.") var count = 3_000
    @Option(help: "Logins in flight at once.") var concurrency = 8
    @Option(help: "First phone number (US); each login takes the next.") var firstPhone = 13_125_560_000

    func run() async throws {
        let phoneAuth = Client(base: server, connections: concurrency)
        let codes = Client(base: sink, connections: concurrency)
        let next = Counter()
        let (count, firstPhone) = (self.count, self.firstPhone)
        let started = ContinuousClock.now
        let results = await withTaskGroup(of: (Histogram<UInt64>, [String]).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                    var errors: [String] = []
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < count else { break }
                        let begin = ContinuousClock.now
                        do {
                            try await Self.login(phone: "+\(firstPhone + index)", phoneAuth: phoneAuth, codes: codes)
                            _ = latencies.record(UInt64((ContinuousClock.now - begin).microseconds))
                        } catch {
                            errors.append("\(error)")
                        }
                    }
                    return (latencies, errors)
                }
            }
            var merged = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
            var errors: [String] = []
            for await (histogram, failed) in group {
                merged.add(histogram)
                errors += failed
            }
            return (merged, errors)
        }
        let wall = (ContinuousClock.now - started).secondsDouble
        try await phoneAuth.shutdown()
        try await codes.shutdown()
        let (latencies, errors) = results
        Report.print([
            "logins": Double(latencies.totalCount), "errors": Double(errors.count), "seconds": wall,
            "per_second": Double(latencies.totalCount) / wall,
            "p50_ms": latencies.milliseconds(at: 50), "p99_ms": latencies.milliseconds(at: 99),
        ], errors: errors)
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    private static func login(phone: String, phoneAuth: Client, codes: Client) async throws {
        let sent = try await phoneAuth.send(.POST, "/auth/send-code", json: ["phone": phone])
        guard sent.status == 200, let id = sent.json?["verification_id"] as? String else {
            throw Failure(description: "send-code \(sent.status): \(sent.text)")
        }
        let encoded = phone.replacingOccurrences(of: "+", with: "%2B")
        let code = try await codes.send(.GET, "/code?to=\(encoded)")
        guard code.status == 200 else { throw Failure(description: "no code arrived for a send") }
        let verified = try await phoneAuth.send(.POST, "/auth/verify-code", json: ["verification_id": id, "verification_code": code.text])
        guard verified.status == 200, verified.json?["access_token"] is String else {
            throw Failure(description: "verify-code \(verified.status): \(verified.text)")
        }
    }
}

private final class Counter: Sendable {
    let value = Atomic(0)
}
