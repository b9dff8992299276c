import Foundation
import Logging

/// The operators configured by market, and the checks the send path runs with them before a code goes out. Each
/// outcome is counted in `phoneauth_network_checks_total{market,check,outcome}`; a failure never fails the send: the
/// policy turns it into a mark (or none).
package struct NetworkChecks: Sendable {
    package struct Configured: Sendable {
        package var client: any NetworkOperator
        package var checks: Set<NetworkOperatorSettings.Check>
        /// Where the operator sends a device back after Number Verification (this server's registered callback).
        package var redirectURI: String?

        package init(client: any NetworkOperator, checks: Set<NetworkOperatorSettings.Check>, redirectURI: String? = nil) {
            (self.client, self.checks, self.redirectURI) = (client, checks, redirectURI)
        }
    }

    package let operators: [String: Configured]
    package let simSwap: SimSwapPolicy
    package let metrics: ServerMetrics

    package init(operators: [String: Configured] = [:], simSwap: SimSwapPolicy = SimSwapPolicy(), metrics: ServerMetrics) {
        (self.operators, self.simSwap, self.metrics) = (operators, simSwap, metrics)
    }

    /// The operator of `market` if it runs `check`.
    package func client(_ market: String, for check: NetworkOperatorSettings.Check) -> (any NetworkOperator)? {
        operators[market].flatMap { $0.checks.contains(check) ? $0.client : nil }
    }

    /// Where the market's operator sends a device back after Number Verification.
    package func callbackURL(_ market: String) -> String? { operators[market]?.redirectURI }

    /// Before a code for `phone` goes out: the SIM-swap check (on every send in the market, account or not, so how
    /// long the answer takes says nothing about whether the number has one) and, for the account holding the number,
    /// Number Recycling since its last sign-in. Both at once; neither throws.
    package func precheck(phone: String, market: String, lastSignIn: Date?, logger: Logger) async -> NetworkMarks {
        async let swap = simSwapMark(phone: phone, market: market, logger: logger)
        async let recycled = recycled(phone: phone, market: market, since: lastSignIn, logger: logger)
        return NetworkMarks(simSwap: await swap, recycled: await recycled)
    }

    /// The SIM-swap check's mark for `phone` under the policy; nil when the market's operator does not run it.
    package func simSwapMark(phone: String, market: String, logger: Logger) async -> SimSwapMark? {
        guard simSwap.action != .off, let client = client(market, for: .simSwap) else { return nil }
        let outcome: Result<Bool, NetworkCheckError>
        do { outcome = .success(try await client.simSwapped(phone: phone, maxAgeHours: simSwap.maxAgeHours)) } catch {
            outcome = .failure(error as? NetworkCheckError ?? .unavailable("\(error)"))
        }
        count(outcome, check: .simSwap, market: market, yes: "swapped", no: "not_swapped", logger: logger)
        return SimSwapMark.of(outcome, policy: simSwap)
    }

    private func recycled(phone: String, market: String, since: Date?, logger: Logger) async -> Bool? {
        guard let since, let client = client(market, for: .numberRecycling) else { return nil }
        let outcome: Result<Bool, NetworkCheckError>
        do { outcome = .success(try await client.recycled(phone: phone, since: since)) } catch {
            outcome = .failure(error as? NetworkCheckError ?? .unavailable("\(error)"))
        }
        count(outcome, check: .numberRecycling, market: market, yes: "recycled", no: "not_recycled", logger: logger)
        return try? outcome.get()
    }

    /// Counts one check's outcome; a failure is logged (never the number).
    package func count(
        _ outcome: Result<Bool, NetworkCheckError>, check: NetworkOperatorSettings.Check, market: String, yes: String, no: String, logger: Logger
    ) {
        switch outcome {
        case .success(let answer): metrics.networkCheck(check.rawValue, market: market, outcome: answer ? yes : no)
        case .failure(let error):
            metrics.networkCheck(check.rawValue, market: market, outcome: error.label)
            logger.warning("network check gave no answer", metadata: ["check": "\(check.rawValue)", "market": "\(market)", "error": "\(error)"])
        }
    }
}
