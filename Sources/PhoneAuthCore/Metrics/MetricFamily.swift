/// Every family `/metrics` exports, with its type and HELP text: the one list the exposition registers from, and the
/// one the shipped Grafana dashboard is checked against.
package enum MetricFamily: String, CaseIterable, Sendable {
    case httpRequests = "phoneauth_http_requests_total"
    case httpRequestDuration = "phoneauth_http_request_duration_seconds"
    case codesSent = "phoneauth_codes_sent_total"
    case codesVerified = "phoneauth_codes_verified_total"
    case codesFailed = "phoneauth_codes_failed_total"
    case codesExpired = "phoneauth_codes_expired_total"
    case smsSent = "phoneauth_sms_sent_total"
    case smsRetried = "phoneauth_sms_retried_total"
    case smsFailed = "phoneauth_sms_failed_total"
    case smsEstimatedSpend = "phoneauth_sms_estimated_spend_usd_total"
    case messagesSent = "phoneauth_messages_sent_total"
    case deliveryReceipts = "phoneauth_delivery_receipts_total"
    case limitRefusals = "phoneauth_limit_refusals_total"
    case networkChecks = "phoneauth_network_checks_total"
    case webhookDeliveries = "phoneauth_webhook_deliveries_total"
    case challengesIssued = "phoneauth_challenges_issued_total"
    case challengesSolved = "phoneauth_challenges_solved_total"
    case challengesRejected = "phoneauth_challenges_rejected_total"
    case rangeBlockRefusals = "phoneauth_range_block_refusals_total"
    case rangesBlockedAutomatically = "phoneauth_ranges_blocked_automatically_total"
    case tokensRefused = "phoneauth_tokens_refused_total"
    case claimsFallbacks = "phoneauth_claims_fallbacks_total"
    case cacheHits = "phoneauth_auth_cache_hits_total"
    case cacheMisses = "phoneauth_auth_cache_misses_total"
    case cacheInvalidations = "phoneauth_auth_cache_invalidations_total"
    case cacheBypasses = "phoneauth_auth_cache_bypasses_total"
    case cacheVouched = "phoneauth_auth_cache_vouched"
    case databaseErrors = "phoneauth_database_errors_total"

    package enum Kind: Sendable {
        case counter, gauge, histogram
    }

    package var name: String { rawValue }

    package var kind: Kind {
        switch self {
        case .httpRequestDuration: .histogram
        case .cacheVouched: .gauge
        default: .counter
        }
    }

    package var help: String {
        switch self {
        case .httpRequests: "Requests answered, by method, route template and status."
        case .httpRequestDuration: "Time from a request's arrival until its handler returned, by method, route template and status."
        case .codesSent: "Sign-in codes a provider accepted, by market."
        case .codesVerified: "Sign-in codes redeemed, by market."
        case .codesFailed: "Wrong or locked verify-code attempts, by market (unknown when the request names no phone)."
        case .codesExpired: "Codes that expired unused, counted when housekeeping removes them, by market."
        case .messagesSent: "Codes a provider took, by channel and market."
        case .deliveryReceipts: "Messages whose receipts moved them to a state (each counted once per state), by channel and status."
        case .smsSent: "Send attempts a provider accepted, by provider."
        case .smsRetried: "Transient provider failures that were tried again, by provider."
        case .smsFailed: "Messages a provider gave up on (the next provider takes over), by provider."
        case .smsEstimatedSpend: "Estimated cost in US dollars of the codes sent, by market and channel, from the configured price table."
        case .limitRefusals: "Sends and verifies refused by an abuse limit, by the error code the client saw."
        case .networkChecks: "Operator network checks (CAMARA), by market, check and outcome (an answer, or why there was none)."
        case .webhookDeliveries: "Webhook delivery attempts, by outcome: delivered, failed (retried later), dead_lettered, redelivered (by hand)."
        case .challengesIssued: "send-code answers of 428 with a proof-of-work challenge."
        case .challengesSolved: "Solved challenges redeemed for a send."
        case .challengesRejected: "Challenges that came back forged, for another phone, expired, short of work or used before."
        case .rangeBlockRefusals: "Sends refused because their number range is blocked, by who blocked it."
        case .rangesBlockedAutomatically: "Number ranges the fraud defence hardened on its own."
        case .tokensRefused: "Bearer tokens refused, by reason."
        case .claimsFallbacks: "Requests with an older claims version whose missing values came from the database."
        case .cacheHits: "Caller states answered by the auth-state cache."
        case .cacheMisses: "Caller states the auth-state cache had to read from the database."
        case .cacheInvalidations: "Cache entries dropped because the database said they changed."
        case .cacheBypasses: "Requests that read the database because the change signal could not vouch for the cache."
        case .cacheVouched: "1 while the change signal vouches for the auth-state cache, 0 while every request reads the database."
        case .databaseErrors: "Requests answered 503 storage_unavailable and failed readiness checks, by backend."
        }
    }
}
