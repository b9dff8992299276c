import ArgumentParser
import Foundation
import PhoneAuthCore

/// SMS-pumping defence flags; each falls back to its `PHONEAUTH_*` variable, then to the documented default.
struct FraudOptions: ParsableArguments {
    @Option(help: "on or off: challenge and block number ranges whose codes go unentered (PHONEAUTH_FRAUD_DEFENCE, default on).")
    var fraudDefence: String?
    @Option(help: "Unverified sends an hour a new number range may hold (PHONEAUTH_RANGE_ALLOWANCE, default 3).")
    var rangeAllowance: Int?
    @Option(help: "Most unverified sends an hour any range may hold, however many sign-ins it has (PHONEAUTH_RANGE_ALLOWANCE_MAX, default 50).")
    var rangeAllowanceMax: Int?
    @Option(help: "Unverified sends an hour, server-wide, past which new ranges are challenged (PHONEAUTH_UNVERIFIED_CEILING_NEW, default 50).")
    var unverifiedCeilingNew: Int?
    @Option(help: "Unverified sends an hour, server-wide, past which every unknown number is challenged (PHONEAUTH_UNVERIFIED_CEILING, default 90).")
    var unverifiedCeiling: Int?
    @Option(help: "Hardest challenge in leading zero bits, 8 to 24 (PHONEAUTH_CHALLENGE_MAX_DIFFICULTY, default 20).")
    var challengeMaxDifficulty: Int?
    @Option(
        help: "Unverified sends an hour past its allowance that block a range with no sign-in, 0 for never (PHONEAUTH_AUTO_BLOCK_AFTER, default 10).")
    var autoBlockAfter: Int?
    @Option(help: "Hours an automatic range block lasts (PHONEAUTH_AUTO_BLOCK_HOURS, default 24).") var autoBlockHours: Int?
    @Option(help: "US dollars per SMS by market, e.g. us=0.0083,kg=0.1 (PHONEAUTH_SMS_PRICES).") var smsPrices: String?

    func apply(to config: inout AppConfig, source: SettingSource) throws {
        var fraud = config.fraud
        if let switched = source.value(fraudDefence, "PHONEAUTH_FRAUD_DEFENCE") {
            guard ["on", "off"].contains(switched) else { throw ConfigError("the fraud defence is on or off, not \(switched)") }
            fraud.enabled = switched == "on"
        }
        func count(_ flag: Int?, _ name: String, _ range: ClosedRange<Int>, _ keyPath: WritableKeyPath<SendAllowancePolicy, Int>) throws {
            guard let value: Int = try source.number(flag, name) else { return }
            guard range.contains(value) else { throw ConfigError("\(name) must be \(range.lowerBound) to \(range.upperBound)") }
            fraud.policy[keyPath: keyPath] = value
        }
        try count(rangeAllowance, "PHONEAUTH_RANGE_ALLOWANCE", 0...1_000_000, \.rangeBase)
        try count(rangeAllowanceMax, "PHONEAUTH_RANGE_ALLOWANCE_MAX", 1...1_000_000, \.rangeCap)
        try count(unverifiedCeilingNew, "PHONEAUTH_UNVERIFIED_CEILING_NEW", 0...10_000_000, \.globalForNewRanges)
        try count(unverifiedCeiling, "PHONEAUTH_UNVERIFIED_CEILING", 0...10_000_000, \.globalForAll)
        try count(challengeMaxDifficulty, "PHONEAUTH_CHALLENGE_MAX_DIFFICULTY", ProofOfWork.difficulties, \.difficultyMax)
        try count(autoBlockAfter, "PHONEAUTH_AUTO_BLOCK_AFTER", 0...1_000_000, \.autoBlockUnverified)
        if let hours: Int = try source.number(autoBlockHours, "PHONEAUTH_AUTO_BLOCK_HOURS") {
            guard (1...8_760).contains(hours) else { throw ConfigError("PHONEAUTH_AUTO_BLOCK_HOURS must be 1 to 8760") }
            fraud.policy.autoBlockFor = .seconds(hours * 3_600)
        }
        fraud.policy.difficultyBase = min(fraud.policy.difficultyBase, fraud.policy.difficultyMax)
        if let prices = source.value(smsPrices, "PHONEAUTH_SMS_PRICES") {
            fraud.prices = try FraudSettings.prices(parsing: prices)
        }
        config.fraud = fraud
    }
}
