import Foundation

/// The SMS-fraud defenses. Every number is configurable; these defaults are the documented ones.
package struct SendLimits: Sendable, Equatable {
    package var resendCooldown: Duration
    package var perPhonePerHour: Int
    package var perPhonePerDay: Int
    package var perIPPerHour: Int
    /// A network earns this many more codes an hour per distinct phone it got verified in the hour, up to the ceiling.
    package var perIPPerVerifiedPhone: Int
    package var perIPCeilingPerHour: Int
    /// Challenges (428s) issued to one network an hour before it earns more, as codes do.
    package var challengesPerIPPerHour: Int
    package var perPrefixPerHour: Int
    package var globalPerHour: Int
    package var globalPerDay: Int
    /// Across both verify paths; the phone path may spend half of it.
    package var verifyFailuresPerPhonePerHour: Int
    /// Per client network (IPv4 address, IPv6 prefix), across every phone.
    package var verifyFailuresPerNetworkPerHour: Int
    /// How much of an IPv6 address names one network for every per-network limit.
    package var ipv6PrefixLength: Int
    /// E.164 prefixes never texted (premium-rate ranges), e.g. `+1900`.
    package var deniedPrefixes: [String]
    /// Peers whose `X-Forwarded-For` is believed.
    package var trustedProxies: Set<String>

    package init(
        resendCooldown: Duration = .seconds(60),
        perPhonePerHour: Int = 5,
        perPhonePerDay: Int = 10,
        perIPPerHour: Int = 20,
        perIPPerVerifiedPhone: Int = 2,
        perIPCeilingPerHour: Int = 2_000,
        challengesPerIPPerHour: Int = 30,
        perPrefixPerHour: Int = 50,
        globalPerHour: Int = 1_000,
        globalPerDay: Int = 10_000,
        verifyFailuresPerPhonePerHour: Int = 10,
        verifyFailuresPerNetworkPerHour: Int = 30,
        ipv6PrefixLength: Int = NetworkKey.defaultIPv6PrefixLength,
        deniedPrefixes: [String] = [],
        trustedProxies: Set<String> = []
    ) {
        self.resendCooldown = resendCooldown
        self.perPhonePerHour = perPhonePerHour
        self.perPhonePerDay = perPhonePerDay
        self.perIPPerHour = perIPPerHour
        self.perIPPerVerifiedPhone = perIPPerVerifiedPhone
        self.perIPCeilingPerHour = perIPCeilingPerHour
        self.challengesPerIPPerHour = challengesPerIPPerHour
        self.perPrefixPerHour = perPrefixPerHour
        self.globalPerHour = globalPerHour
        self.globalPerDay = globalPerDay
        self.verifyFailuresPerPhonePerHour = verifyFailuresPerPhonePerHour
        self.verifyFailuresPerNetworkPerHour = verifyFailuresPerNetworkPerHour
        self.ipv6PrefixLength = ipv6PrefixLength
        self.deniedPrefixes = deniedPrefixes
        self.trustedProxies = trustedProxies
    }

    /// No limits at all: for tests of everything but the limits.
    package static let off = SendLimits(
        resendCooldown: .zero, perPhonePerHour: .max, perPhonePerDay: .max, perIPPerHour: .max, challengesPerIPPerHour: .max,
        perPrefixPerHour: .max, globalPerHour: .max, globalPerDay: .max, verifyFailuresPerPhonePerHour: .max,
        verifyFailuresPerNetworkPerHour: .max
    )

    /// The rules in the order they are checked: budgets first (they protect the bill), then the narrower ones.
    package var sendRules: [WindowRule] {
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

    /// Every error code a limit can refuse with (`/metrics` counts refusals by it).
    package var refusalCodes: [String] {
        let verify: [AppError] = [.verifyRateLimited, .networkRateLimited]
        return (sendRules + [challengeRule].compactMap(\.self)).map(\.refusal.code.rawValue) + verify.map(\.code.rawValue)
    }

    /// The cap on challenges one network is issued, conversion-aware like the per-network send limit; nil when off.
    package var challengeRule: WindowRule? {
        guard challengesPerIPPerHour < .max else { return nil }
        return WindowRule(
            scope: .ip, window: 3_600, max: challengesPerIPPerHour, refusal: .challengesRateLimited,
            earned: EarnedAllowance(perVerifiedPhone: perIPPerVerifiedPhone, ceiling: Swift.max(challengesPerIPPerHour, perIPCeilingPerHour)))
    }

    private var cooldownRule: WindowRule {
        WindowRule(scope: .phone, window: resendCooldown.seconds, max: 1, refusal: .resendTooSoon)
    }

    /// The brute-force bounds of verify-code, `perVerification` wrong tries per code and path.
    package func guessLimits(perVerification: Int) -> GuessLimits {
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
