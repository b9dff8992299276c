import Foundation

/// The SMS-fraud defenses. Every number is configurable; these defaults are the documented ones.
struct SendLimits: Sendable, Equatable {
    var resendCooldown: Duration = .seconds(60)
    var perPhonePerHour = 5
    var perPhonePerDay = 10
    var perIPPerHour = 20
    /// A network earns this many more codes an hour per distinct phone it got verified in the hour, up to the ceiling.
    var perIPPerVerifiedPhone = 2
    var perIPCeilingPerHour = 2_000
    /// Challenges (428s) issued to one network an hour before it earns more, as codes do.
    var challengesPerIPPerHour = 30
    var perPrefixPerHour = 50
    var globalPerHour = 1_000
    var globalPerDay = 10_000
    /// Across both verify paths; the phone path may spend half of it.
    var verifyFailuresPerPhonePerHour = 10
    /// Per client network (IPv4 address, IPv6 prefix), across every phone.
    var verifyFailuresPerNetworkPerHour = 30
    /// How much of an IPv6 address names one network for every per-network limit.
    var ipv6PrefixLength = NetworkKey.defaultIPv6PrefixLength
    /// E.164 prefixes never texted (premium-rate ranges), e.g. `+1900`.
    var deniedPrefixes: [String] = []
    /// Peers whose `X-Forwarded-For` is believed.
    var trustedProxies: Set<String> = []

    /// No limits at all: for tests of everything but the limits.
    static let off = SendLimits(
        resendCooldown: .zero, perPhonePerHour: .max, perPhonePerDay: .max, perIPPerHour: .max, challengesPerIPPerHour: .max,
        perPrefixPerHour: .max, globalPerHour: .max, globalPerDay: .max, verifyFailuresPerPhonePerHour: .max,
        verifyFailuresPerNetworkPerHour: .max
    )

    /// The rules in the order they are checked: budgets first (they protect the bill), then the narrower ones.
    var sendRules: [WindowRule] {
        let hour: TimeInterval = 3_600
        let day: TimeInterval = 86_400
        var rules = [
            WindowRule(scope: .global, window: hour, max: globalPerHour, refusal: .smsBudgetExhausted),
            WindowRule(scope: .global, window: day, max: globalPerDay, refusal: .smsBudgetExhausted),
            WindowRule(scope: .phone, window: hour, max: perPhonePerHour, refusal: .phoneRateLimited),
            WindowRule(scope: .phone, window: day, max: perPhonePerDay, refusal: .phoneRateLimited),
            WindowRule(
                scope: .ip, window: hour, max: perIPPerHour, refusal: .ipRateLimited,
                earned: EarnedAllowance(perVerifiedPhone: perIPPerVerifiedPhone, ceiling: Swift.max(perIPPerHour, perIPCeilingPerHour))),
            WindowRule(scope: .prefix, window: hour, max: perPrefixPerHour, refusal: .prefixRateLimited),
        ]
        if resendCooldown > .zero {
            rules.insert(cooldownRule, at: 2)
        }
        return rules.filter { $0.max < .max }
    }

    /// The cap on challenges one network is issued, conversion-aware like the per-network send limit; nil when off.
    var challengeRule: WindowRule? {
        guard challengesPerIPPerHour < .max else { return nil }
        return WindowRule(
            scope: .ip, window: 3_600, max: challengesPerIPPerHour, refusal: .challengesRateLimited,
            earned: EarnedAllowance(perVerifiedPhone: perIPPerVerifiedPhone, ceiling: Swift.max(challengesPerIPPerHour, perIPCeilingPerHour)))
    }

    private var cooldownRule: WindowRule {
        WindowRule(scope: .phone, window: resendCooldown.seconds, max: 1, refusal: .resendTooSoon)
    }

    /// The brute-force bounds of verify-code, `perVerification` wrong tries per code and path.
    func guessLimits(perVerification: Int) -> GuessLimits {
        let hour: TimeInterval = 3_600
        let perPhone = verifyFailuresPerPhonePerHour
        let perNetwork = verifyFailuresPerNetworkPerHour
        return GuessLimits(
            perVerification: perVerification,
            perPhone: perPhone == .max ? nil : FailureLimit(max: perPhone, window: hour),
            perPhoneOnPhonePath: perPhone == .max ? nil : Swift.max(1, perPhone / 2),
            perNetwork: perNetwork == .max ? nil : FailureLimit(max: perNetwork, window: hour))
    }
}
