import Prometheus

/// Everything `/metrics` reports, registered straight into a Prometheus registry of this server's own (not the
/// process-wide `MetricsSystem`: tests build many servers in one process, each with its own numbers; and swift-metrics'
/// API carries no HELP text). The events are typed, so label values come from closed sets and the series stay bounded.
package final class ServerMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    /// `sqlite` or `postgresql`: the label on database errors.
    package let backend: String

    private let requests = Locked<[RequestKey: RequestSeries]>([:])
    private let counters = Locked<[CounterKey: Counter]>([:])
    private let cacheSeen = Locked(AuthStateCache.Stats())
    private let vouched: Gauge

    /// Finer than the library's default (5 ms to 10 s): a cached API call takes well under a millisecond.
    private static let durationBuckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
        .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    package init(backend: String) {
        registry = PrometheusCollectorRegistry()
        self.backend = backend
        vouched = registry.makeGauge(name: MetricFamily.cacheVouched.name, help: MetricFamily.cacheVouched.help)
        // Series that exist from the start read 0 rather than missing, so rate() and alerts work before the first event.
        for reason in [TokenRefusal.expired, .badSignature, .stale, .revoked, .inactive, .banned] {
            increment(.tokensRefused, [("reason", reason.rawValue)], by: 0)
        }
        for family in [MetricFamily.cacheHits, .cacheMisses, .cacheInvalidations, .cacheBypasses] { increment(family, [], by: 0) }
        increment(.databaseErrors, [("backend", backend)], by: 0)
        increment(.claimsFallbacks, [], by: 0)
        for event in [ChallengeEvent.issued, .solved, .rejected] { increment(event.family, [], by: 0) }
        increment(.rangesBlockedAutomatically, [], by: 0)
        for by in ["operator", "automatic"] { increment(.rangeBlockRefusals, [("by", by)], by: 0) }
    }

    /// The label values known from the configuration, so their series read 0 from the start too: the markets (codes
    /// and spend; `unknown` for a wrong code that names no phone) and the limits' error codes.
    package func prepare(markets: [String], limits: [String]) {
        for market in markets + ["unknown"] {
            for event in [CodeEvent.sent, .verified, .failed, .expired] { increment(event.family, [("market", market)], by: 0) }
        }
        // The network checks' headline answers, configured or not (a market with no operator stays at 0).
        for market in markets {
            for (check, outcome) in [("number-verification", "verified"), ("sim-swap", "swapped"), ("number-recycling", "recycled")] {
                increment(.networkChecks, [("market", market), ("check", check), ("outcome", outcome)], by: 0)
            }
        }
        for limit in Set(limits) { increment(.limitRefusals, [("limit", limit)], by: 0) }
        for outcome in WebhookOutcome.allCases { increment(.webhookDeliveries, [("outcome", outcome.rawValue)], by: 0) }
    }

    /// How one webhook delivery attempt ended.
    package enum WebhookOutcome: String, CaseIterable, Sendable {
        case delivered, failed
        case deadLettered = "dead_lettered"
        case redelivered
    }

    package func webhookDelivery(_ outcome: WebhookOutcome) {
        increment(.webhookDeliveries, [("outcome", outcome.rawValue)])
    }

    /// The channels the markets offer, so every channel's sends and receipt states read 0 from the start.
    package func prepare(channels: [DeliveryChannel], markets: [String]) {
        for channel in channels {
            for market in markets {
                increment(.messagesSent, [("channel", channel.rawValue), ("market", market)], by: 0)
                counter(.smsEstimatedSpend, [("market", market), ("channel", channel.rawValue)]).increment(by: 0.0)
            }
            for state in DeliveryState.allCases { increment(.deliveryReceipts, [("channel", channel.rawValue), ("status", state.rawValue)], by: 0) }
        }
    }

    /// A code a provider took.
    package func messageSent(channel: DeliveryChannel, market: String) {
        increment(.messagesSent, [("channel", channel.rawValue), ("market", market)])
    }

    /// A receipt moved a message to `state`.
    package func delivery(_ state: DeliveryState, channel: String) {
        increment(.deliveryReceipts, [("channel", channel), ("status", state.rawValue)])
    }

    /// The configured providers, in failover order.
    package func prepare(providers: [String]) {
        for provider in providers {
            for event in [SMSEvent.sent, .retried, .failed] { increment(event.family, [("provider", provider)], by: 0) }
        }
    }

    // MARK: Requests

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct RequestSeries: Sendable {
        var count: Counter
        var duration: DurationHistogram
    }

    /// One finished request; `route` is the route template (`/api/v1/addresses/{id}`), never the concrete path.
    package func request(method: String, route: String, status: Int, nanoseconds: UInt64) {
        let key = RequestKey(method: method, route: route, status: status)
        let series = requests.withLock { known in
            if let series = known[key] { return series }
            let labels = [("method", method), ("route", route), ("status", String(status))]
            let series = RequestSeries(
                count: registry.makeCounter(name: MetricFamily.httpRequests.name, labels: labels, help: MetricFamily.httpRequests.help),
                duration: registry.makeDurationHistogram(
                    name: MetricFamily.httpRequestDuration.name, labels: labels, buckets: Self.durationBuckets,
                    help: MetricFamily.httpRequestDuration.help))
            known[key] = series
            return series
        }
        series.count.increment()
        series.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    // MARK: Events

    package enum CodeEvent: String, Sendable {
        case sent, verified, failed, expired

        var family: MetricFamily {
            switch self {
            case .sent: .codesSent
            case .verified: .codesVerified
            case .failed: .codesFailed
            case .expired: .codesExpired
            }
        }
    }

    package enum SMSEvent: String, Sendable {
        /// The provider accepted the message.
        case sent
        /// A transient failure that is tried again.
        case retried
        /// The provider gave up on this message (the next provider, if any, takes over).
        case failed

        var family: MetricFamily {
            switch self {
            case .sent: .smsSent
            case .retried: .smsRetried
            case .failed: .smsFailed
            }
        }
    }

    /// Why a bearer token was refused.
    package enum TokenRefusal: String, Sendable {
        case expired
        case badSignature = "bad_signature"
        case stale, revoked, inactive, banned
    }

    package func code(_ event: CodeEvent, market: String) {
        increment(event.family, [("market", market)])
    }

    package func codesExpired(_ count: Int, market: String) {
        increment(.codesExpired, [("market", market)], by: count)
    }

    package func sms(_ event: SMSEvent, provider: String) {
        increment(event.family, [("provider", provider)])
    }

    /// A send or verify refused by one of the abuse limits; `limit` is the error code the client saw.
    /// One operator network check: its answer (`swapped`, `not_swapped`, `recycled`, …) or why there was none.
    package func networkCheck(_ check: String, market: String, outcome: String) {
        increment(.networkChecks, [("market", market), ("check", check), ("outcome", outcome)])
    }

    package func limitRefused(_ limit: String) {
        increment(.limitRefusals, [("limit", limit)])
    }

    package enum ChallengeEvent: String, Sendable {
        /// send-code answered 428 with a fresh challenge.
        case issued
        /// A solved challenge was redeemed for a send.
        case solved
        /// A challenge came back forged, for another phone, expired, short of work or used before.
        case rejected

        var family: MetricFamily {
            switch self {
            case .issued: .challengesIssued
            case .solved: .challengesSolved
            case .rejected: .challengesRejected
            }
        }
    }

    package func challenge(_ event: ChallengeEvent) {
        increment(event.family, [])
    }

    /// A send refused because its range is blocked (`automatic` or by an operator), and blocks the defence set.
    package func rangeBlockRefused(automatic: Bool) {
        increment(.rangeBlockRefusals, [("by", automatic ? "automatic" : "operator")])
    }

    package func rangeBlockedAutomatically() {
        increment(.rangesBlockedAutomatically, [])
    }

    /// What a text is estimated to cost, from the price table (`--sms-prices`).
    package func estimatedSpend(_ usd: Double, market: String, channel: DeliveryChannel) {
        counter(.smsEstimatedSpend, [("market", market), ("channel", channel.rawValue)]).increment(by: usd)
    }

    package func tokenRefused(_ reason: TokenRefusal) {
        increment(.tokensRefused, [("reason", reason.rawValue)])
    }

    /// A token of an older claims version whose missing values came from the database.
    package func claimsFallback() {
        increment(.claimsFallbacks, [])
    }

    package func databaseError() {
        increment(.databaseErrors, [("backend", backend)])
    }

    private struct CounterKey: Hashable {
        var family: MetricFamily
        var labels: [String]
    }

    private func increment(_ family: MetricFamily, _ labels: [(String, String)], by amount: Int = 1) {
        counter(family, labels).increment(by: Int64(amount))
    }

    private func counter(_ family: MetricFamily, _ labels: [(String, String)]) -> Counter {
        let key = CounterKey(family: family, labels: labels.flatMap { [$0.0, $0.1] })
        return counters.withLock { known in
            if let counter = known[key] { return counter }
            let counter = registry.makeCounter(name: family.name, labels: labels, help: family.help)
            known[key] = counter
            return counter
        }
    }

    // MARK: Exposition

    /// The Prometheus text format, with the auth-state cache's counters brought up to date first (the cache keeps
    /// plain integers under its own lock, so its hot path pays nothing for metrics).
    /// `signal`: `phoneauth_auth_cache_vouched` is 1 while the change signal vouches for the cache, 0 while bypassed.
    package func exposition(cache: AuthStateCache.Stats?, signal: ChangeSignalHealth? = nil) -> [UInt8] {
        if let cache { record(cache) }
        if let signal { vouched.set(to: signal.vouches ? 1.0 : 0.0) }
        return registry.emitToBuffer()
    }

    private func record(_ stats: AuthStateCache.Stats) {
        let previous = cacheSeen.withLock { seen in
            defer { seen = stats }
            return seen
        }
        let deltas: [(MetricFamily, Int)] = [
            (.cacheHits, stats.hits - previous.hits), (.cacheMisses, stats.misses - previous.misses),
            (.cacheInvalidations, stats.invalidations - previous.invalidations), (.cacheBypasses, stats.bypasses - previous.bypasses),
        ]
        for (family, delta) in deltas {
            increment(family, [], by: max(0, delta))
        }
    }
}
