import ArgumentParser
import Crypto
import Foundation

/// An SMS-pumping bot that pays for its texts: send-code for numbers spread over `ranges` number ranges, each request
/// from its own client address (X-Forwarded-For, for a server that trusts 127.0.0.1 as its proxy), solving every
/// proof-of-work challenge it is asked (as ClientCore does) and never entering a code. What bounds it is the automatic
/// range block and the SMS budget, not the work; the report says how far it got.
struct SolvingBotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "solving-bot", abstract: "A pumping bot that solves every challenge.")

    @Option(help: "PhoneAuth's base URL.") var server: String
    @Option(help: "How many send-code requests.") var requests = 600
    @Option(help: "Number ranges they spread over, round robin (US area codes 200 up, every tenth range in Kyrgyzstan).")
    var ranges = 30
    @Option(help: "Requests in flight at once.") var concurrency = 4

    func run() async throws {
        let phoneAuth = Client(base: server, connections: concurrency)
        let next = Counter()
        let (requests, ranges) = (self.requests, self.ranges)
        let started = ContinuousClock.now
        let tally = await withTaskGroup(of: Tally.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var tally = Tally()
                    while true {
                        let index = next.value.add(1, ordering: .relaxed).oldValue
                        guard index < requests else { return tally }
                        do {
                            try await Self.pump(index: index, ranges: ranges, phoneAuth: phoneAuth, into: &tally)
                        } catch {
                            tally.errors.append("\(error)")
                        }
                    }
                }
            }
            var total = Tally()
            for await part in group { total.add(part) }
            return total
        }
        let wall = (ContinuousClock.now - started).secondsDouble
        try await phoneAuth.shutdown()
        var figures: [String: Double] = [
            "requests": Double(requests), "ranges": Double(ranges), "seconds": wall, "texts": Double(tally.texts),
            "solved": Double(tally.solved), "hashes": Double(tally.hashes), "solving_seconds": tally.solvingSeconds,
            "max_difficulty": Double(tally.maxDifficulty), "errors": Double(tally.errors.count),
        ]
        for (status, count) in tally.statuses { figures["status_\(status)"] = Double(count) }
        Report.print(figures, errors: tally.errors)
    }

    private static func pump(index: Int, ranges: Int, phoneAuth: Client, into tally: inout Tally) async throws {
        let range = index % ranges
        let phone = range % 10 == 9 ? "+9967\(String(format: "%02d", range))\(String(format: "%06d", index))"
            : "+1\(200 + range)555\(String(format: "%04d", index % 10_000))"
        let headers = [("X-Forwarded-For", "10.\(index >> 16 & 255).\(index >> 8 & 255).\(index & 255)")]
        var answer = try await phoneAuth.send(.POST, "/auth/send-code", json: ["phone": phone], headers: headers)
        if answer.status == 428, let error = answer.json?["error"] as? [String: Any], let challenge = error["challenge"] as? String,
            let difficulty = error["difficulty"] as? Int
        {
            let began = ContinuousClock.now
            let (solution, hashes) = solve(challenge, difficulty: difficulty)
            tally.solvingSeconds += (ContinuousClock.now - began).secondsDouble
            tally.hashes += hashes
            tally.solved += 1
            tally.maxDifficulty = max(tally.maxDifficulty, difficulty)
            answer = try await phoneAuth.send(
                .POST, "/auth/send-code", json: ["phone": phone, "challenge": challenge, "solution": solution], headers: headers)
        }
        if answer.status == 202 { tally.texts += 1 }
        tally.statuses[answer.status, default: 0] += 1
    }

    /// The first decimal counter whose SHA-256(challenge ":" counter) starts with `difficulty` zero bits, and the tries
    /// it took. The hash state after the prefix is computed once and copied per try.
    static func solve(_ challenge: String, difficulty: Int) -> (String, Int) {
        var prefix = SHA256()
        prefix.update(data: Data((challenge + ":").utf8))
        var counter = 0
        while true {
            var hash = prefix
            hash.update(data: Data(String(counter).utf8))
            if zeroBits(hash.finalize()) >= difficulty { return (String(counter), counter + 1) }
            counter += 1
        }
    }

    private static func zeroBits(_ digest: SHA256.Digest) -> Int {
        var bits = 0
        for byte in digest {
            guard byte == 0 else { return bits + byte.leadingZeroBitCount }
            bits += 8
        }
        return bits
    }

    private struct Tally {
        var texts = 0, solved = 0, hashes = 0, maxDifficulty = 0
        var solvingSeconds = 0.0
        var statuses: [Int: Int] = [:]
        var errors: [String] = []

        mutating func add(_ other: Tally) {
            texts += other.texts
            solved += other.solved
            hashes += other.hashes
            maxDifficulty = max(maxDifficulty, other.maxDifficulty)
            solvingSeconds += other.solvingSeconds
            statuses.merge(other.statuses, uniquingKeysWith: +)
            errors += other.errors
        }
    }
}
