import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Blocked number ranges: by an operator (admin API and CLI, until lifted, for everyone) and by the defence itself
/// (a range pushed far past its allowance with solved challenges and no sign-in, for a while, sparing known phones).
@Suite struct RangeBlockTests {
    private func admin(_ harness: TestHarness, _ client: some TestClientProtocol) async throws -> String {
        try await harness.signInAdmin(client, phone: "+996555000001")
    }

    @Test(arguments: Backend.all)
    func anOperatorBlocksARangeForEveryoneUntilItIsLifted(backend: Backend) async throws {
        let harness = try await FraudDefenceTests.harness(backend)
        try await harness.test(.live) { (client) async throws -> Void in
            let token = try await admin(harness, client)
            let known = try await harness.signIn(client, phone: "+13125550100")
            let blocked = try await client.request(
                .put, "/admin/ranges/+1%20312/block", json: ["reason": "  pumping seen at the provider "], token: token)
            #expect(blocked.status == .ok)
            #expect(blocked.json["range"] as? String == "+1312")
            #expect(blocked.json["reason"] as? String == "pumping seen at the provider")
            #expect(blocked.json["automatic"] as? Bool == false)
            #expect(blocked.json["expires_at"] is NSNull)
            #expect(blocked.json["created_by"] as? Int == 1)

            // Everyone in the range is refused, a user who signed in before and a device with a session included.
            harness.clock.advance(by: 61)
            for (phone, bearer) in [("+13125550100", nil), ("+13125550199", known)] {
                let refused = try await FraudDefenceTests.send(client, phone, from: "198.51.100.9", token: bearer)
                #expect(refused.status == .forbidden)
                #expect(refused.errorCode == "phone_not_allowed")
            }
            #expect(try await FraudDefenceTests.send(client, "+13135550100", from: "198.51.100.9").status == .accepted)

            let listed = try await client.request(.get, "/admin/ranges", token: token)
            #expect(listed.status == .ok)
            let blocks = try #require(listed.json["blocks"] as? [[String: Any]])
            #expect(blocks.map { $0["range"] as? String } == ["+1312"])
            let ranges = try #require(listed.json["ranges"] as? [[String: Any]])
            let range = try #require(ranges.first { $0["range"] as? String == "+1312" })
            #expect(range["state"] as? String == "blocked")
            #expect(range["market"] as? String == "us")
            #expect(range["verified"] as? Int == 1)
        }
        // A restarted server (a new application on the same database) still refuses it, until the block is lifted.
        try await harness.test(.live) { (client) async throws -> Void in
            let token = try await harness.signIn(client, phone: "+996555000001")
            #expect(try await FraudDefenceTests.send(client, "+13125550111", from: "198.51.100.9").errorCode == "phone_not_allowed")
            #expect(try await client.request(.delete, "/admin/ranges/%2B1312/block", token: token).status == .noContent)
            #expect(try await client.request(.delete, "/admin/ranges/+1312/block", token: token).status == .notFound)
            #expect(try await FraudDefenceTests.send(client, "+13125550111", from: "198.51.100.9").status == .accepted)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM range_blocks") == 0)
    }

    @Test(arguments: Backend.all)
    func oneRangeIsShownAlsoWhenNothingWasSentToIt(backend: Backend) async throws {
        let harness = try await FraudDefenceTests.harness(backend)
        try await harness.test(.live) { (client) async throws -> Void in
            let token = try await admin(harness, client)  // one code sent to +996555 and verified
            #expect(try await client.request(.put, "/admin/ranges/+1312/block", json: ["reason": "provider report"], token: token).status == .ok)
            let blocked = try await client.request(.get, "/admin/ranges/%2B1312", token: token)
            #expect(blocked.status == .ok)
            #expect(blocked.json["state"] as? String == "blocked")
            #expect((blocked.json["block"] as? [String: Any])?["reason"] as? String == "provider report")
            let quiet = try await client.request(.get, "/admin/ranges/+1415", token: token)
            #expect(quiet.status == .ok)
            #expect(quiet.json["range"] as? String == "+1415" && quiet.json["market"] as? String == "us")
            #expect(quiet.json["sent"] as? Int == 0 && quiet.json["state"] as? String == "open" && quiet.json["block"] is NSNull)
            let own = try await client.request(.get, "/admin/ranges/+996%20555", token: token)
            #expect(own.json["range"] as? String == "+996555" && own.json["sent"] as? Int == 1 && own.json["verified"] as? Int == 1)
            let bad = try await client.request(.get, "/admin/ranges/+44", token: token)
            #expect(bad.status == .badRequest && bad.errorCode == "validation_failed")
            let member = try await harness.signIn(client, phone: "+13135550100")
            #expect(try await client.request(.get, "/admin/ranges/+1415", token: member).status == .forbidden)
        }
    }

    @Test func rangesAndReasonsAreChecked() async throws {
        let harness = try await FraudDefenceTests.harness(.sqlite)
        try await harness.test(.live) { (client) async throws -> Void in
            let token = try await admin(harness, client)
            for range in ["+1", "abc", "+1312+1", "+1312555"] {
                let refused = try await client.request(.put, "/admin/ranges/\(range)/block", json: ["reason": "x"], token: token)
                #expect(refused.status == .badRequest, "\(range)")
                #expect(refused.errorCode == "validation_failed")
                #expect(refused.errorDetail["field"] as? String == "range")
            }
            // Written as a range, but no configured market's (+1 takes three digits, +44 is not served, +996 six).
            for range in ["+13125", "+4412", "+99655"] {
                let refused = try await client.request(.put, "/admin/ranges/\(range)/block", json: ["reason": "x"], token: token)
                #expect(refused.status == .notFound, "\(range)")
            }
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM range_blocks") == 0)
            for reason in ["", "   ", String(repeating: "r", count: 501)] {
                let refused = try await client.request(.put, "/admin/ranges/+1312/block", json: ["reason": reason], token: token)
                #expect(refused.errorDetail["field"] as? String == "reason")
            }
            #expect(try await client.request(.put, "/admin/ranges/+1312/block", json: [:], token: token).status == .badRequest)
            #expect(try await client.request(.get, "/admin/ranges?limit=0", token: token).errorDetail["field"] as? String == "limit")
            // Only admins.
            let user = try await harness.signIn(client, phone: "+13125550100")
            #expect(try await client.request(.get, "/admin/ranges", token: user).status == .forbidden)
            #expect(try await client.request(.put, "/admin/ranges/+1312/block", json: ["reason": "x"], token: user).status == .forbidden)
            #expect(try await client.request(.delete, "/admin/ranges/+1312/block").status == .unauthorized)
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM range_blocks") == 0)
    }

    /// A bot that solves its challenges and still enters no code pushes its range past the allowance; ten sends past
    /// it, the range is hardened for a day: nobody is refused, but every unknown number there pays the hardest
    /// challenge for each code (a stranger who set it off cannot shut real new users out), known phones pay nothing,
    /// and an operator can confirm a block or lift it.
    @Test(arguments: Backend.all)
    func aRangeFloodedWithSolvedChallengesIsHardenedNotBlocked(backend: Backend) async throws {
        let harness = try await FraudDefenceTests.harness(backend) { policy in
            policy.autoBlockUnverified = 4
            policy.difficultyMax = 14
        }
        let metrics = ServerMetrics(backend: backend.rawValue)
        var dependencies = harness.dependencies
        dependencies.metrics = metrics
        try await harness.app(dependencies).test(.live) { (client) async throws -> Void in
            let known = "+14155550100"
            _ = try await harness.signIn(client, phone: known)
            harness.clock.advance(by: 3_601)
            let token = try await admin(harness, client)
            var answers: [[Int]] = []
            for bot in 0..<12 {
                let attempt = try await FraudDefenceTests.person(
                    harness, client, "+1415555\(1_000 + bot)", from: "10.0.0.\(bot)", entersCode: false)
                answers.append(attempt.statuses)
                harness.clock.advance(by: 5)
            }
            // 4 free (3, and 1 for the range's sign-in), 4 bought with challenges; the next crosses the line and is
            // asked for the hardest challenge, and every later one pays it too.
            #expect(answers.prefix(4).allSatisfy { $0 == [202] })
            #expect(answers.dropFirst(4).allSatisfy { $0 == [428, 202] })
            let ranges = try await client.request(.get, "/admin/ranges/+1415", token: token)
            #expect(ranges.json["state"] as? String == "hardened")
            let block = try #require(ranges.json["block"] as? [String: Any])
            #expect(block["automatic"] as? Bool == true)
            #expect(block["reason"] as? String == "8 unverified sends in the last hour, no sign-in")
            // A new real user there: one challenge of the hardest kind, then the code; a known phone: no challenge.
            let newcomer = try await FraudDefenceTests.person(harness, client, "+14155559876", from: "198.51.100.77")
            #expect(newcomer.signedIn)
            #expect(newcomer.statuses == [428, 202, 200])
            #expect(newcomer.difficulties == [14])
            #expect(try await FraudDefenceTests.send(client, known, from: "198.51.100.1").status == .accepted)
            // An operator confirms the block: now nobody is sent to, known phones included.
            let confirmed = try await client.request(.put, "/admin/ranges/+1415/block", json: ["reason": "pumping"], token: token)
            #expect(confirmed.status == .ok)
            harness.clock.advance(by: 61)
            #expect(try await FraudDefenceTests.send(client, known, from: "198.51.100.1").errorCode == "phone_not_allowed")
            #expect(try await client.request(.delete, "/admin/ranges/+1415/block", token: token).status == .noContent)
        }
        let text = PrometheusText(String(decoding: metrics.exposition(cache: nil), as: UTF8.self))
        #expect(text.value("phoneauth_ranges_blocked_automatically_total") == 1)
        #expect(text.value("phoneauth_range_block_refusals_total", ["by": "operator"]) == 1)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM range_blocks") == 0)
    }

    @Test(arguments: Backend.all)
    func theCLIBlocksListsAndUnblocksRanges(backend: Backend) async throws {
        let harness = try await FraudDefenceTests.harness(backend)
        let database = ["--database", harness.databaseURL]
        // Before the server ever ran: the database is made first (an admin command never makes one).
        #expect(try await CLIRunner.run(["migrate"] + database, binary: "PhoneAuthServer").status == 0)
        let blocked = try await CLIRunner.run(["admin", "block-range", "+996 555", "--reason", "pumping"] + database, binary: "PhoneAuthServer")
        #expect(blocked.status == 0, "\(blocked.stderr)")
        #expect(blocked.stdout == "blocked +996555\n")
        let listed = try await CLIRunner.run(["admin", "ranges"] + database, binary: "PhoneAuthServer")
        #expect(listed.status == 0)
        #expect(listed.stdout.contains("+996555     cli"))
        #expect(listed.stdout.contains("pumping"))
        let one = try await CLIRunner.run(["admin", "ranges", "--range", "+996 555"] + database, binary: "PhoneAuthServer")
        #expect(one.status == 0, "\(one.stderr)")
        #expect(one.stdout.split(separator: "\n").filter { $0.hasPrefix("+996555") }.count == 2)  // the range and its block
        #expect(one.stdout.contains("blocked") && one.stdout.contains("pumping"))
        let quiet = try await CLIRunner.run(["admin", "ranges", "--range", "+1415"] + database, binary: "PhoneAuthServer")
        #expect(quiet.stdout.contains("+1415") && quiet.stdout.contains("open") && quiet.stdout.contains("no blocks in force"))
        #expect(try await CLIRunner.run(["admin", "ranges", "--range", "+44"] + database, binary: "PhoneAuthServer").status == 64)
        try await harness.test(.live) { (client) async throws -> Void in
            #expect(try await FraudDefenceTests.send(client, "+996555123456", from: "198.51.100.1").errorCode == "phone_not_allowed")
        }
        let bad = try await CLIRunner.run(["admin", "block-range", "+44", "--reason", "x"] + database, binary: "PhoneAuthServer")
        #expect(bad.status == 64)
        #expect(bad.stderr.contains("configured calling code"))
        #expect(try await CLIRunner.run(["admin", "unblock-range", "+996555"] + database, binary: "PhoneAuthServer").status == 0)
        let again = try await CLIRunner.run(["admin", "unblock-range", "+996555"] + database, binary: "PhoneAuthServer")
        #expect(again.status == 1)
        #expect(again.stderr.contains("phoneauth: +996555 has no block in force\n"))
        try await harness.test(.live) { (client) async throws -> Void in
            #expect(try await FraudDefenceTests.send(client, "+996555123456", from: "198.51.100.1").status == .accepted)
        }
    }

    /// The real binary warns when it hardens a range by itself, naming the range (never a full number) and what an
    /// operator can do.
    @Test func anAutomaticHardeningIsLoggedAsAWarning() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-autoblock-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let logFile = folder.appendingPathComponent("server.log")
        let receiver = WebhookReceiver()
        let answers: [Int] = try await receiver.run { webhook in
            let server = try await Instance.start(
                database: folder.appendingPathComponent("db.sqlite").path, webhook: webhook,
                extra: ["--range-allowance", "0", "--auto-block-after", "1", "--challenge-max-difficulty", "8"], logFile: logFile)
            var answers: [Int] = []
            try await Instance.stopping([server]) {
                for phone in ["+14155550100", "+14155550101"] {
                    let first = try await server.request("POST", "/auth/send-code", json: ["phone": phone])
                    let error = try #require(first.json["error"] as? [String: any Sendable])
                    let challenge = try #require(error["challenge"] as? String)
                    let difficulty = try #require(error["difficulty"] as? Int)
                    let solved = try await server.request(
                        "POST", "/auth/send-code",
                        json: ["phone": phone, "challenge": challenge, "solution": ProofOfWork.solve(token: challenge, difficulty: difficulty)])
                    answers += [first.status, difficulty, solved.status]
                }
            }
            return answers
        }
        // The second number is what hardens the range: still served, after the hardest challenge (8 bits here).
        #expect(answers == [428, 8, 202, 428, 8, 202])
        let log = try String(contentsOf: logFile, encoding: .utf8)
        let warnings = log.split(separator: "\n").filter { $0.contains("hardened automatically") }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("warning") == true)
        #expect(warnings.first?.contains("+1415") == true)
        #expect(warnings.first?.contains("admin block-range +1415") == true)
        #expect(warnings.first?.contains("1 unverified sends in the last hour, no sign-in") == true)
        #expect(!log.contains("4155550101") && !log.contains("4155550100"))
    }
}
