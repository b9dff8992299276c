import ArgumentParser
import Foundation
import Histogram

/// Full logins for distinct phones: send-code, the code from the sink, verify-code; `concurrency` at a time.
struct LoginsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "logins", abstract: "Full logins at a fixed concurrency.")

    @Option(help: "PhoneAuth's base URL.") var server: String
    @Option(help: "The code sink's base URL.") var sink: String
    @Option(help: "How many logins.") var count = 3_000
    @Option(help: "Logins in flight at once.") var concurrency = 8
    @Option(help: "Numbering: logins take consecutive numbers from this one (US).") var firstPhone = 13_125_560_000
    @Flag(help: "Spread the logins as real traffic is: each from its own client address (X-Forwarded-For, for a server that trusts 127.0.0.1 as its proxy) and over many number ranges (area codes 200-999).")
    var spread = false
    @Option(help: "With --spread: start numbering (phones and client addresses) here, so that several loads never share a phone.")
    var offset = 0

    func run() async throws {
        let phoneAuth = Client(base: server, connections: concurrency)
        let codes = Client(base: sink, connections: concurrency)
        let next = Counter()
        let (count, firstPhone, spread, offset) = (self.count, self.firstPhone, self.spread, self.offset)
        let started = ContinuousClock.now
        let results = await withTaskGroup(of: (Histogram<UInt64>, [String]).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
                    var errors: [String] = []
                    while true {
                        let taken = next.value.add(1, ordering: .relaxed).oldValue
                        guard taken < count else { break }
                        let index = taken + offset
                        let begin = ContinuousClock.now
                        do {
                            let phone = spread ? "+1\(200 + index % 800)555\(String(10_000 + index / 800).dropFirst())" : "+\(firstPhone + index)"
                            let client = spread ? "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)" : nil
                            try await Self.login(phone: phone, from: client, phoneAuth: phoneAuth, codes: codes)
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

    private static func login(phone: String, from client: String?, phoneAuth: Client, codes: Client) async throws {
        let headers = client.map { [("X-Forwarded-For", $0)] } ?? []
        let sent = try await phoneAuth.send(.POST, "/auth/send-code", json: ["phone": phone], headers: headers)
        guard sent.status == 202, let id = sent.json?["verification_id"] as? String else {
            throw Failure(description: "send-code \(sent.status): \(sent.text)")
        }
        let encoded = phone.replacingOccurrences(of: "+", with: "%2B")
        let code = try await codes.send(.GET, "/code?to=\(encoded)")
        guard code.status == 200 else { throw Failure(description: "no code arrived for a send") }
        let verified = try await phoneAuth.send(.POST, "/auth/verify-code", json: ["verification_id": id, "verification_code": code.text], headers: headers)
        guard verified.status == 200, verified.json?["access_token"] is String else {
            throw Failure(description: "verify-code \(verified.status): \(verified.text)")
        }
    }
}
