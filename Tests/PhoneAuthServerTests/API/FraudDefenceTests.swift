import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The adaptive SMS-pumping defence through the real endpoint, with the shipped limits, a pinned clock and a trusted
/// proxy in front: a bot spread over many ranges gets almost nothing while people keep signing in, and without an
/// attack nobody notices it. (The decision alone: `SendAllowancePolicyTests`; the counting: `RangeStandingTests`.)
@Suite struct FraudDefenceTests {
    /// The shipped defence, with challenges kept easy: what is under test is who is challenged, not how long solving takes.
    static func harness(_ backend: Backend, _ adjust: @escaping @Sendable (inout SendAllowancePolicy) -> Void = { _ in }) async throws
        -> TestHarness
    {
        try await TestHarness.make(backend) { config in
            config.limits = SendLimits()
            config.limits.trustedProxies = ["127.0.0.1"]
            config.fraud = FraudSettings()
            config.fraud.policy.difficultyBase = 8
            config.fraud.policy.difficultyMax = 10
            adjust(&config.fraud.policy)
        }
    }

    static let xff = HTTPField.Name("X-Forwarded-For")!

    static func send(
        _ client: some TestClientProtocol, _ phone: String, from address: String, answer: (String, String)? = nil, token: String? = nil
    ) async throws -> TestResponse {
        var body: [String: Any] = ["phone": phone]
        if let (challenge, solution) = answer {
            body["challenge"] = challenge
            body["solution"] = solution
        }
        return try await client.request(.post, "/auth/send-code", json: body, token: token, headers: [xff: address])
    }

    /// How one sign-in went for a person.
    struct Attempt {
        var gotCode = false
        var challenged = false
        var signedIn = false
        var statuses: [Int] = []
        var difficulties: [Int] = []
    }

    /// A person signing in: asks for a code; if challenged, the app solves it and asks again (the one extra step);
    /// enters the code unless `entersCode` is false.
    static func person(
        _ harness: TestHarness, _ client: some TestClientProtocol, _ phone: String, from address: String, entersCode: Bool = true,
        token: String? = nil
    ) async throws -> Attempt {
        var attempt = Attempt()
        var sent = try await send(client, phone, from: address, token: token)
        attempt.statuses.append(Int(sent.status.code))
        if sent.status.code == 428 {
            attempt.challenged = true
            let challenge = try #require(sent.errorDetail["challenge"] as? String)
            let difficulty = try #require(sent.errorDetail["difficulty"] as? Int)
            attempt.difficulties.append(difficulty)
            sent = try await send(client, phone, from: address, answer: (challenge, ProofOfWork.solve(token: challenge, difficulty: difficulty)))
            attempt.statuses.append(Int(sent.status.code))
        }
        guard sent.status == .accepted, let id = sent.json["verification_id"] as? String else { return attempt }
        attempt.gotCode = true
        guard entersCode, let code = harness.sms.lastCode(to: try PhoneNumber(parsing: phone).e164) else { return attempt }
        let verified = try await client.request(.post, "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
        attempt.statuses.append(Int(verified.status.code))
        attempt.signedIn = verified.status == .ok
        return attempt
    }

    /// The issue's attack at a tenth of its scale: 1,000 send-code requests spread over 200 US ranges (one of them a
    /// range people sign in from), each from a fresh address, no code ever entered and no challenge ever solved;
    /// interleaved, 40 people in ranges with sign-ins, in ranges under attack and in quiet new ranges, and 10 returning
    /// users. At most 100 texts reach the bot; every person gets a code with at most one extra step; returning users
    /// are never challenged.
    @Test(arguments: Backend.all)
    func aBotSpreadOverManyRangesGetsAlmostNothingWhilePeopleSignIn(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test(.live) { (client) async throws -> Void in
            // Earlier sign-ins give four ranges a history; their users return during the attack.
            let historyRanges = ["+1312", "+1415", "+1646", "+996555"]
            var returning: [String] = []
            for (index, range) in historyRanges.enumerated() {
                for user in 0..<3 {
                    let phone = range + (range.hasPrefix("+996") ? "\(100_000 + index * 10 + user)" : "\(8_000_000 + index * 10 + user)")
                    #expect(try await Self.person(harness, client, phone, from: "198.51.100.\(index * 3 + user)").signedIn)
                    returning.append(phone)
                    harness.clock.advance(by: 30)
                }
            }
            harness.clock.advance(by: 2 * 3_600)

            var bot = (texts: 0, challenged: 0, other: 0)
            var people: [(kind: String, attempt: Attempt)] = []
            for request in 0..<1_000 {
                let phone = "+1\(200 + request % 200)555\(1_000 + request)"
                let answer = try await Self.send(client, phone, from: "10.\(request / 65_536).\(request / 256 % 256).\(request % 256)")
                switch answer.status.code {
                case 202: bot.texts += 1
                case 428: bot.challenged += 1
                default: bot.other += 1
                }
                harness.clock.advance(by: 2)
                guard request % 20 == 19 else { continue }
                let person = request / 20
                let address = "203.0.113.\(person)"
                let (kind, number): (String, String) =
                    switch person % 5 {
                    case 0: ("history range", historyRanges[person / 5 % 3] + "\(7_000_000 + person)")
                    case 1: ("history range", "+996555\(200_000 + person)")
                    case 2: ("attacked new range", "+1\(200 + person * 3)777\(1_000 + person)")
                    case 3: ("quiet new range", "+1\(700 + person)777\(1_000 + person)")
                    default: ("returning", returning[person / 5 % returning.count])
                    }
                people.append((kind, try await Self.person(harness, client, number, from: address)))
            }

            #expect(bot.texts <= 100, "SMS to the bot: \(bot)")
            #expect(bot.challenged >= 880, "the bot is challenged for nearly everything: \(bot)")
            #expect(bot.other == 0, "no refusal but challenges: \(bot)")
            let succeeded = people.filter { $0.attempt.signedIn }.count
            #expect(Double(succeeded) / Double(people.count) >= 0.99, "people who signed in: \(succeeded) of \(people.count)")
            for (kind, attempt) in people {
                #expect(attempt.statuses.filter { $0 == 428 }.count <= 1, "\(kind): \(attempt.statuses)")
            }
            #expect(people.filter { $0.kind == "returning" }.allSatisfy { !$0.attempt.challenged })
            #expect(people.filter { $0.kind == "attacked new range" }.contains { $0.attempt.challenged })

            // The stored rows tell the same story: one send row per text, one challenge row per 428.
            let challengedPeople = people.filter(\.attempt.challenged).count
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == harness.sms.sent.count)
            #expect(try await harness.sql.int("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM challenge_counts WHERE scope LIKE 'range:%'") == bot.challenged + challengedPeople)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM challenge_redemptions") == challengedPeople)
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM range_blocks") == 0)
        }
    }

    /// Sixty people over an hour, six of whom ask for a second code and four of whom never enter theirs: the same
    /// answers with the defence on as with it off, no challenge, and at most 1.3 texts per sign-in.
    @Test(arguments: Backend.all)
    func withoutAnAttackPeopleSeeNoDifference(backend: Backend) async throws {
        func run(_ harness: TestHarness) async throws -> [[Int]] {
            try await harness.test(.live) { client in
                var statuses: [[Int]] = []
                for person in 0..<60 {
                    let phone = "+1\(312 + person % 10 * 11)555\(2_000 + person)"
                    let address = "198.51.100.\(person)"
                    if person % 10 == 3 {
                        // The first code never arrives (or is lost); the second one is entered.
                        statuses.append(try await Self.person(harness, client, phone, from: address, entersCode: false).statuses)
                        harness.clock.advance(by: 61)
                    }
                    statuses.append(try await Self.person(harness, client, phone, from: address, entersCode: person % 15 != 7).statuses)
                    harness.clock.advance(by: 55)
                }
                return statuses
            }
        }
        let defended = try await Self.harness(backend)
        let withDefence = try await run(defended)
        let undefended = try await TestHarness.make(backend) { config in
            config.limits = SendLimits()
            config.limits.trustedProxies = ["127.0.0.1"]
            config.fraud = .off
        }
        #expect(withDefence == (try await run(undefended)))
        #expect(!withDefence.joined().contains(428))
        let signIns = withDefence.filter { $0.last == 200 }.count
        #expect(signIns == 56)
        #expect(Double(defended.sms.sent.count) / Double(signIns) <= 1.3, "\(defended.sms.sent.count) texts for \(signIns) sign-ins")
    }

    /// A bearer token is no proof for another number: a bot holding its own account gets challenged for strangers'
    /// numbers as anyone is, spends none of the known numbers' reserve, and its own number stays known good.
    @Test(arguments: Backend.all)
    func aBotsOwnTokenIsNoProofForAnotherNumber(backend: Backend) async throws {
        // Every unknown number is challenged, whatever its range's history.
        let harness = try await Self.harness(backend) { policy in
            policy.rangeBase = 0
            policy.perVerifiedSignIn = 0
        }
        try await harness.test(.live) { (client) async throws -> Void in
            let signedIn = try await Self.person(harness, client, "+13125550100", from: "198.51.100.1")
            #expect(signedIn.challenged)
            #expect(signedIn.signedIn)
            harness.clock.advance(by: 61)
            let token = try await harness.signIn(client, phone: "+13125550100")
            let before = try await harness.sql.int("SELECT COUNT(*) FROM sms_sends")
            for stranger in 101...105 {
                let sent = try await Self.send(client, "+1312555\(String(format: "%04d", stranger))", from: "198.51.100.1", token: token)
                #expect(sent.status.code == 428)
                #expect(sent.errorCode == "challenge_required")
            }
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == before)
            // Its own number is known good because it signed in before, token or not.
            harness.clock.advance(by: 61)
            #expect(try await Self.send(client, "+13125550100", from: "198.51.100.1", token: token).status == .accepted)
            harness.clock.advance(by: 61)
            #expect(try await Self.send(client, "+13125550100", from: "198.51.100.9").status == .accepted)
        }
    }

    /// Numbers that signed in before draw from an SMS budget of their own: an attack that spends everyone else's
    /// still leaves them theirs.
    @Test(arguments: Backend.all)
    func knownNumbersKeepTheirOwnBudgetWhenEveryoneElsesIsSpent(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            config.limits = SendLimits(globalPerHour: 4)
            config.limits.trustedProxies = ["127.0.0.1"]
            config.fraud = FraudSettings()
            config.fraud.policy.rangeBase = 50
        }
        try await harness.test(.live) { (client) async throws -> Void in
            // Its first code came from the budget for unknown numbers (it was not known yet).
            #expect(try await Self.person(harness, client, "+13125550100", from: "198.51.100.1").signedIn)
            for bot in 0..<3 {
                #expect(try await Self.send(client, "+1646555\(1_000 + bot)", from: "10.0.0.\(bot)").status == .accepted)
            }
            let spent = try await Self.send(client, "+16465552000", from: "10.0.1.1")
            #expect(spent.errorCode == "sms_budget_exhausted")
            harness.clock.advance(by: 61)
            #expect(try await Self.person(harness, client, "+13125550100", from: "198.51.100.1").signedIn)
            #expect(try await Self.send(client, "+16465552001", from: "10.0.1.2").errorCode == "sms_budget_exhausted")
        }
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE known_good = TRUE") == 1)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends WHERE known_good = FALSE") == 4)
    }
}
