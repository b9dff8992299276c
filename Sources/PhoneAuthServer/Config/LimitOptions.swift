import ArgumentParser
import Foundation
import PhoneAuthCore

/// Abuse-limit flags; each falls back to its `PHONEAUTH_*` variable, then to the documented default.
struct LimitOptions: ParsableArguments {
    @Option(help: "Seconds between two codes to one phone (PHONEAUTH_RESEND_COOLDOWN, default 60).") var resendCooldown: Int?
    @Option(help: "Codes per phone per hour (PHONEAUTH_MAX_SENDS_PER_PHONE_HOUR, default 5).") var maxSendsPerPhoneHour: Int?
    @Option(help: "Codes per phone per day (PHONEAUTH_MAX_SENDS_PER_PHONE_DAY, default 10).") var maxSendsPerPhoneDay: Int?
    @Option(help: "Codes per client IP per hour, before it earns more (PHONEAUTH_MAX_SENDS_PER_IP_HOUR, default 20).")
    var maxSendsPerIpHour: Int?
    @Option(help: "More codes an IP earns per phone it got verified in the hour (PHONEAUTH_SENDS_PER_IP_VERIFIED_PHONE, default 2).")
    var sendsPerIpVerifiedPhone: Int?
    @Option(help: "Codes per client IP per hour at most, however many it got verified (PHONEAUTH_MAX_SENDS_PER_IP_HOUR_CEILING, default 2000).")
    var maxSendsPerIpHourCeiling: Int?
    @Option(help: "Challenges (428) per client IP per hour, before it earns more as codes do (PHONEAUTH_MAX_CHALLENGES_PER_IP_HOUR, default 30).")
    var maxChallengesPerIpHour: Int?
    @Option(help: "Codes per number range (country code + 3 digits) per hour (PHONEAUTH_MAX_SENDS_PER_PREFIX_HOUR, default 50).")
    var maxSendsPerPrefixHour: Int?
    @Option(help: "SMS budget per hour, all phones (PHONEAUTH_SMS_BUDGET_HOUR, default 1000).") var smsBudgetHour: Int?
    @Option(help: "SMS budget per day, all phones (PHONEAUTH_SMS_BUDGET_DAY, default 10000).") var smsBudgetDay: Int?
    @Option(help: "Wrong codes per phone per hour, across codes (PHONEAUTH_MAX_VERIFY_FAILURES_HOUR, default 10).")
    var maxVerifyFailuresHour: Int?
    @Option(help: "Wrong codes per client network per hour, across phones (PHONEAUTH_MAX_VERIFY_FAILURES_PER_NETWORK_HOUR, default 30).")
    var maxVerifyFailuresPerNetworkHour: Int?
    @Option(help: "Leading bits of an IPv6 address that name one network for per-network limits (PHONEAUTH_IPV6_PREFIX_LENGTH, default 64).")
    var ipv6PrefixLength: Int?
    @Option(help: "Comma-separated E.164 prefixes never texted, e.g. +1900 (PHONEAUTH_DENY_PREFIXES).") var denyPrefixes: String?
    @Option(help: "Comma-separated proxy IPs whose X-Forwarded-For is believed (PHONEAUTH_TRUSTED_PROXIES).") var trustedProxies: String?
    @Option(help: "Fixed codes, PHONE:CODE:YYYY-MM-DD,… (PHONEAUTH_TEST_NUMBERS).") var testNumbers: String?
    @Flag(help: "Allow test numbers in production (PHONEAUTH_ALLOW_TEST_NUMBERS_IN_PRODUCTION=1).") var allowTestNumbersInProduction = false

    func apply(to config: inout AppConfig, source: SettingSource) throws {
        var limits = config.limits
        func count(_ flag: Int?, _ name: String, _ keyPath: WritableKeyPath<SendLimits, Int>) throws {
            guard let value: Int = try source.number(flag, name) else { return }
            guard value >= 1 else { throw ConfigError("\(name) must be at least 1") }
            limits[keyPath: keyPath] = value
        }
        try count(maxSendsPerPhoneHour, "PHONEAUTH_MAX_SENDS_PER_PHONE_HOUR", \.perPhonePerHour)
        try count(maxSendsPerPhoneDay, "PHONEAUTH_MAX_SENDS_PER_PHONE_DAY", \.perPhonePerDay)
        try count(maxSendsPerIpHour, "PHONEAUTH_MAX_SENDS_PER_IP_HOUR", \.perIPPerHour)
        try count(maxChallengesPerIpHour, "PHONEAUTH_MAX_CHALLENGES_PER_IP_HOUR", \.challengesPerIPPerHour)
        try count(maxSendsPerIpHourCeiling, "PHONEAUTH_MAX_SENDS_PER_IP_HOUR_CEILING", \.perIPCeilingPerHour)
        if let bonus: Int = try source.number(sendsPerIpVerifiedPhone, "PHONEAUTH_SENDS_PER_IP_VERIFIED_PHONE") {
            guard bonus >= 0 else { throw ConfigError("PHONEAUTH_SENDS_PER_IP_VERIFIED_PHONE must be 0 or more") }
            limits.perIPPerVerifiedPhone = bonus
        }
        try count(maxSendsPerPrefixHour, "PHONEAUTH_MAX_SENDS_PER_PREFIX_HOUR", \.perPrefixPerHour)
        try count(smsBudgetHour, "PHONEAUTH_SMS_BUDGET_HOUR", \.globalPerHour)
        try count(smsBudgetDay, "PHONEAUTH_SMS_BUDGET_DAY", \.globalPerDay)
        try count(maxVerifyFailuresHour, "PHONEAUTH_MAX_VERIFY_FAILURES_HOUR", \.verifyFailuresPerPhonePerHour)
        try count(maxVerifyFailuresPerNetworkHour, "PHONEAUTH_MAX_VERIFY_FAILURES_PER_NETWORK_HOUR", \.verifyFailuresPerNetworkPerHour)
        if let bits: Int = try source.number(ipv6PrefixLength, "PHONEAUTH_IPV6_PREFIX_LENGTH") {
            guard (16...128).contains(bits) else { throw ConfigError("the IPv6 prefix length must be 16 to 128") }
            limits.ipv6PrefixLength = bits
        }
        if let cooldown: Int = try source.number(resendCooldown, "PHONEAUTH_RESEND_COOLDOWN") {
            guard (0...3600).contains(cooldown) else { throw ConfigError("the resend cooldown must be 0 to 3600 seconds") }
            limits.resendCooldown = .seconds(cooldown)
        }
        if let prefixes = source.value(denyPrefixes, "PHONEAUTH_DENY_PREFIXES") {
            limits.deniedPrefixes = try Self.list(prefixes).map { prefix in
                guard prefix.wholeMatch(of: /\+[0-9]{1,14}/) != nil else { throw ConfigError("deny prefix \(prefix) must be + and digits") }
                return prefix
            }
        }
        if let proxies = source.value(trustedProxies, "PHONEAUTH_TRUSTED_PROXIES") {
            limits.trustedProxies = Set(Self.list(proxies))
        }
        config.limits = limits
        if let numbers = source.value(testNumbers, "PHONEAUTH_TEST_NUMBERS") {
            config.testNumbers = try TestNumberBook(parsing: numbers)
        }
        config.allowTestNumbersInProduction =
            allowTestNumbersInProduction || ["1", "true", "yes"].contains(source.value(nil, "PHONEAUTH_ALLOW_TEST_NUMBERS_IN_PRODUCTION") ?? "")
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}
