import Foundation
import Logging
import ServiceLifecycle

/// Runs a housekeeping pass every `interval` while the server runs (the first one `interval` after start), logging
/// what it removed. A failed pass (database unavailable) is logged and the next one tries again; shutdown stops the
/// wait at once. Several instances on one PostgreSQL database may all run it: each deletion is idempotent.
package struct Housekeeper: Service {
    package let repository: any HousekeepingRepository
    package let interval: Duration
    package let endedSessions: TimeInterval
    package let markets: MarketCatalog
    package let metrics: ServerMetrics
    package let now: WallClock
    package let logger: Logger
    /// Erases detached accounts past their retention; nil: not this service's job (tests of the rest).
    package let accounts: AccountService?

    package init(
        repository: any HousekeepingRepository,
        interval: Duration,
        endedSessions: TimeInterval,
        markets: MarketCatalog,
        metrics: ServerMetrics,
        now: @escaping WallClock,
        logger: Logger,
        accounts: AccountService? = nil
    ) {
        self.accounts = accounts
        self.repository = repository
        self.interval = interval
        self.endedSessions = endedSessions
        self.markets = markets
        self.metrics = metrics
        self.now = now
        self.logger = logger
    }

    package func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await pass()
        }
    }

    /// One pass; public to the module so tests run it directly.
    @discardableResult
    package func pass() async -> PurgeCounts? {
        do {
            var counts = try await repository.purge(now: now(), endedSessions: endedSessions)
            counts.detachedAccounts = try await accounts?.eraseExpiredDetached() ?? 0
            countExpiredCodes(counts.expiredCodePhones)
            if counts.total > 0 {
                logger.info(
                    "housekeeping",
                    metadata: [
                        "verifications": "\(counts.verifications)", "send_log": "\(counts.sendLog)",
                        "verify_failures": "\(counts.verifyFailures)", "idempotency_keys": "\(counts.idempotencyKeys)",
                        "sessions": "\(counts.sessions)", "challenges": "\(counts.challenges)",
                        "released_numbers": "\(counts.releasedNumbers)", "detached_accounts_erased": "\(counts.detachedAccounts)",
                        "events": "\(counts.events)",
                    ])
            }
            return counts
        } catch {
            logger.warning("housekeeping failed; next pass retries", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func countExpiredCodes(_ phones: [String]) {
        var byMarket: [String: Int] = [:]
        for e164 in phones {
            let market = (try? PhoneNumber(parsing: e164)).flatMap { try? markets.market(for: $0) }?.code ?? "unknown"
            byMarket[market, default: 0] += 1
        }
        for (market, count) in byMarket { metrics.codesExpired(count, market: market) }
    }
}
