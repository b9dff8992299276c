import CoreMetrics
import Metrics
import Prometheus
import Synchronization

/// Everything `/metrics` reports, recorded through swift-metrics into a Prometheus registry of this server's own (not
/// the process-wide `MetricsSystem`: tests build many servers in one process, each with its own numbers). The events
/// are typed, so label values come from closed sets and the series stay bounded.
package final class ServerMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    package let factory: PrometheusMetricsFactory
    /// `sqlite` or `postgresql`: the label on database errors.
    package let backend: String

    private let requests = Mutex<[RequestKey: RequestSeries]>([:])
    private let counters = Mutex<[CounterKey: CoreMetrics.Counter]>([:])
    private let cacheSeen = Mutex(AuthStateCache.Stats())
    private let spend = Mutex<[String: CoreMetrics.FloatingPointCounter]>([:])

    package init(backend: String) {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // Finer than the library's default (5 ms to 10 s): a cached API call takes well under a millisecond.
        factory.defaultDurationHistogramBuckets = [
            .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1),
            .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        self.backend = backend
        // Series that exist from the start read 0 rather than missing, so rate() and alerts work before the first event.
        for reason in [TokenRefusal.expired, .badSignature, .stale, .revoked, .inactive, .banned] {
            increment("phoneauth_tokens_refused_total", [("reason", reason.rawValue)], by: 0)
        }
        for name in ["hits", "misses", "invalidations", "bypasses"] { increment("phoneauth_auth_cache_\(name)_total", [], by: 0) }
        increment("phoneauth_database_errors_total", [("backend", backend)], by: 0)
        increment("phoneauth_claims_fallbacks_total", [], by: 0)
        for event in [ChallengeEvent.issued, .solved, .rejected] { increment("phoneauth_challenges_\(event.rawValue)_total", [], by: 0) }
        increment("phoneauth_ranges_blocked_automatically_total", [], by: 0)
    }

    // MARK: Requests

    private struct RequestKey: Hashable {
        var method: String
        var route: String
        var status: Int
    }

    private struct RequestSeries: Sendable {
        var count: CoreMetrics.Counter
        var duration: CoreMetrics.Timer
    }

    /// One finished request; `route` is the route template (`/api/v1/addresses/{id}`), never the concrete path.
    package func request(method: String, route: String, status: Int, nanoseconds: UInt64) {
        let key = RequestKey(method: method, route: route, status: status)
        let series = requests.withLock { known in
            if let series = known[key] { return series }
            let labels = [("method", method), ("route", route), ("status", String(status))]
            let series = RequestSeries(
                count: CoreMetrics.Counter(label: "phoneauth_http_requests_total", dimensions: labels, factory: factory),
                duration: CoreMetrics.Timer(label: "phoneauth_http_request_duration_seconds", dimensions: labels, factory: factory))
            known[key] = series
            return series
        }
        series.count.increment()
        series.duration.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    // MARK: Events

    package enum CodeEvent: String, Sendable {
        case sent, verified, failed, expired
    }

    package enum SMSEvent: String, Sendable {
        /// The provider accepted the message.
        case sent
        /// A transient failure that is tried again.
        case retried
        /// The provider gave up on this message (the next provider, if any, takes over).
        case failed
    }

    /// Why a bearer token was refused.
    package enum TokenRefusal: String, Sendable {
        case expired, badSignature = "bad_signature", stale, revoked, inactive, banned
    }

    package func code(_ event: CodeEvent, market: String) {
        increment("phoneauth_codes_\(event.rawValue)_total", [("market", market)])
    }

    package func codesExpired(_ count: Int, market: String) {
        increment("phoneauth_codes_expired_total", [("market", market)], by: count)
    }

    package func sms(_ event: SMSEvent, provider: String) {
        increment("phoneauth_sms_\(event.rawValue)_total", [("provider", provider)])
    }

    /// A send or verify refused by one of the abuse limits; `limit` is the error code the client saw.
    package func limitRefused(_ limit: String) {
        increment("phoneauth_limit_refusals_total", [("limit", limit)])
    }

    package enum ChallengeEvent: String, Sendable {
        /// send-code answered 428 with a fresh challenge.
        case issued
        /// A solved challenge was redeemed for a send.
        case solved
        /// A challenge came back forged, for another phone, expired, short of work or used before.
        case rejected
    }

    package func challenge(_ event: ChallengeEvent) {
        increment("phoneauth_challenges_\(event.rawValue)_total", [])
    }

    /// A send refused because its range is blocked (`automatic` or by an operator), and blocks the defence set.
    package func rangeBlockRefused(automatic: Bool) {
        increment("phoneauth_range_block_refusals_total", [("by", automatic ? "automatic" : "operator")])
    }

    package func rangeBlockedAutomatically() {
        increment("phoneauth_ranges_blocked_automatically_total", [])
    }

    /// What a text is estimated to cost, from the price table (`--sms-prices`).
    package func estimatedSpend(_ usd: Double, market: String) {
        let counter = spend.withLock { known in
            if let counter = known[market] { return counter }
            let counter = CoreMetrics.FloatingPointCounter(
                label: "phoneauth_sms_estimated_spend_usd_total", dimensions: [("market", market)], factory: factory)
            known[market] = counter
            return counter
        }
        counter.increment(by: usd)
    }

    package func tokenRefused(_ reason: TokenRefusal) {
        increment("phoneauth_tokens_refused_total", [("reason", reason.rawValue)])
    }

    /// A token of an older claims version whose missing values came from the database.
    package func claimsFallback() {
        increment("phoneauth_claims_fallbacks_total", [])
    }

    package func databaseError() {
        increment("phoneauth_database_errors_total", [("backend", backend)])
    }

    private struct CounterKey: Hashable {
        var name: String
        var labels: [String]
    }

    private func increment(_ name: String, _ labels: [(String, String)], by amount: Int = 1) {
        let key = CounterKey(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        let counter = counters.withLock { known in
            if let counter = known[key] { return counter }
            let counter = CoreMetrics.Counter(label: name, dimensions: labels, factory: factory)
            known[key] = counter
            return counter
        }
        counter.increment(by: amount)
    }

    // MARK: Exposition

    /// The Prometheus text format, with the auth-state cache's counters brought up to date first (the cache keeps
    /// plain integers under its own lock, so its hot path pays nothing for metrics).
    /// `signal`: `phoneauth_auth_cache_vouched` is 1 while the change signal vouches for the cache, 0 while bypassed.
    package func exposition(cache: AuthStateCache.Stats?, signal: ChangeSignalHealth? = nil) -> [UInt8] {
        if let cache { record(cache) }
        if let signal { registry.makeGauge(name: "phoneauth_auth_cache_vouched").set(to: signal.vouches ? 1.0 : 0.0) }
        return registry.emitToBuffer()
    }

    private func record(_ stats: AuthStateCache.Stats) {
        let previous = cacheSeen.withLock { seen in
            defer { seen = stats }
            return seen
        }
        let deltas = [
            ("hits", stats.hits - previous.hits), ("misses", stats.misses - previous.misses),
            ("invalidations", stats.invalidations - previous.invalidations), ("bypasses", stats.bypasses - previous.bypasses),
        ]
        for (name, delta) in deltas {
            increment("phoneauth_auth_cache_\(name)_total", [], by: max(0, delta))
        }
    }
}
