import Foundation
import PhoneAuthCore

/// The overview's figures for one window, summed from the activity counters: what the view model test compares with
/// the stored rows.
struct OverviewReport: Sendable, Equatable {
    var signIns = 0
    var sent = 0
    var verified = 0
    var challenged = 0
    /// Sign-ins the operator network confirmed with no text (Number Verification), per market code.
    var networkVerifiedByMarket: [String: Int] = [:]
    var networkVerified: Int { networkVerifiedByMarket.values.reduce(0, +) }
    /// Sent per market code.
    var sentByMarket: [String: Int] = [:]
    /// Refusals per limit's error code.
    var refusals: [String: Int] = [:]
    /// Per chart period, oldest first.
    var sentPerPeriod: [Int] = []
    var verifiedPerPeriod: [Int] = []
    var signInsPerPeriod: [Int] = []
    /// The start of each period (seconds since 1970).
    var periodStarts: [Int64] = []

    /// Verified codes per text sent; nil when nothing was sent.
    var conversion: Double? { sent == 0 ? nil : Double(verified) / Double(sent) }

    init() {}

    /// The window ends with the period `now` falls in; its periods are whole `barSeconds` on their own boundaries (five
    /// minutes, hours on the hour, days from midnight UTC), so that a bar's label names the period it shows: today's
    /// sends are under today's date, not under yesterday's as a window rolling from `now` would put them.
    init(_ counts: [ActivityCount], window: ActivityWindow, now: Date) {
        let bucketEnd = ActivityCount.bucket(of: now) + ActivityCount.bucketSeconds
        let end = (bucketEnd + window.barSeconds - 1) / window.barSeconds * window.barSeconds
        let bars = Int(window.seconds / window.barSeconds)
        let start = end - window.seconds
        periodStarts = (0..<bars).map { start + Int64($0) * window.barSeconds }
        sentPerPeriod = Array(repeating: 0, count: bars)
        verifiedPerPeriod = sentPerPeriod
        signInsPerPeriod = sentPerPeriod
        for counter in counts where counter.key.bucket >= start && counter.key.bucket < end {
            let period = Int((counter.key.bucket - start) / window.barSeconds)
            switch counter.key.event {
            case .sent:
                sent += counter.count
                sentByMarket[counter.key.market, default: 0] += counter.count
                sentPerPeriod[period] += counter.count
            case .verified:
                verified += counter.count
                verifiedPerPeriod[period] += counter.count
            case .signIn:
                signIns += counter.count
                signInsPerPeriod[period] += counter.count
            case .challenged:
                challenged += counter.count
            case .networkVerified:
                networkVerifiedByMarket[counter.key.market, default: 0] += counter.count
            case .refused(let limit):
                refusals[limit, default: 0] += counter.count
            }
        }
    }
}
