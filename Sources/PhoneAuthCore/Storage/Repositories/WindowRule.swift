import Foundation

/// One sliding-window limit on sends: at most `max` sends per `window` for the attempt's phone, IP, prefix, or overall.
package struct WindowRule: Sendable, Equatable {
    package enum Scope: Sendable, Equatable {
        case phone, ip, prefix, global
    }

    package var scope: Scope
    package var window: TimeInterval
    package var max: Int
    /// What the client is told when this rule refuses.
    package var refusal: AppError
    /// A limit that grows with the codes its scope got verified (a network's: a carrier NAT where real people sign
    /// in); nil for a fixed one.
    package var earned: EarnedAllowance?

    /// The limit this rule applies, given how many distinct phones of its scope verified a code in the window.
    package func limit(verifiedPhones: Int) -> Int {
        earned.map { $0.limit(base: max, verifiedPhones: verifiedPhones) } ?? max
    }
}

/// How a conversion-aware limit grows: `perVerifiedPhone` more for each distinct phone whose code from this scope was
/// entered in the window, never past `ceiling`. Pumping bots never enter codes, so a bot's own address keeps the base;
/// an address shared by many real people (a carrier-grade NAT) earns room as fast as they sign in.
package struct EarnedAllowance: Sendable, Equatable {
    package var perVerifiedPhone: Int
    package var ceiling: Int

    package func limit(base: Int, verifiedPhones: Int) -> Int {
        // Saturating: a count near Int.max must not wrap round to a small limit.
        let (earned, tooMany) = verifiedPhones.multipliedReportingOverflow(by: perVerifiedPhone)
        let (total, tooLarge) = base.addingReportingOverflow(earned)
        return Swift.max(base, Swift.min(ceiling, tooMany || tooLarge ? Int.max : total))
    }
}

/// Who is asking for a code, as the limits see it.
package struct SendAttempt: Sendable, Equatable {
    package var phone: String
    package var ip: String
    /// Country code plus the next three digits: SMS pumping walks through such ranges.
    package var prefix: String
}

/// A refused send: the rule that refused it and when it would pass.
package struct SendRefusal: Sendable, Equatable {
    package var rule: WindowRule
    package var retryAfter: Int
}
