import Foundation

/// The SMS-fraud defenses. Every number is configurable; these defaults are the documented ones.
struct SendLimits: Sendable, Equatable {
    var resendCooldown: TimeInterval = 60
    var perPhonePerHour = 5
    var perPhonePerDay = 10
    var perIPPerHour = 20
    var perPrefixPerHour = 50
    var globalPerHour = 1_000
    var globalPerDay = 10_000
    var verifyFailuresPerPhonePerHour = 10
    /// E.164 prefixes never texted (premium-rate ranges), e.g. `+1900`.
    var deniedPrefixes: [String] = []
    /// Peers whose `X-Forwarded-For` is believed.
    var trustedProxies: Set<String> = []

    /// No limits at all: for tests of everything but the limits.
    static let off = SendLimits(
        resendCooldown: 0, perPhonePerHour: .max, perPhonePerDay: .max, perIPPerHour: .max, perPrefixPerHour: .max,
        globalPerHour: .max, globalPerDay: .max, verifyFailuresPerPhonePerHour: .max
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
            WindowRule(scope: .ip, window: hour, max: perIPPerHour, refusal: .ipRateLimited),
            WindowRule(scope: .prefix, window: hour, max: perPrefixPerHour, refusal: .prefixRateLimited),
        ]
        if resendCooldown > 0 {
            rules.insert(WindowRule(scope: .phone, window: resendCooldown, max: 1, refusal: .resendTooSoon), at: 2)
        }
        return rules.filter { $0.max < .max }
    }

    var verifyFailureLimit: FailureLimit? {
        verifyFailuresPerPhonePerHour == .max ? nil : FailureLimit(max: verifyFailuresPerPhonePerHour, window: 3_600)
    }
}
