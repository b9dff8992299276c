import Hummingbird
import PhoneAuthCore

/// `GET /health` and `GET /health/ready`: 200 only after a real database round trip (migrations ran before the server
/// started listening), 503 once a shutdown has begun. `GET /health/live`: the process answers, whatever the database
/// does (a liveness probe must not restart a server for its database's outage). The ready answer says whether the
/// auth-state cache is used: a bypassed cache is still correct (every request reads the database), so it stays 200.
struct HealthController: Sendable {
    let ping: @Sendable () async throws -> Void
    let readiness: Readiness
    let metrics: ServerMetrics
    /// The cache's change signal; nil without a cache.
    let signal: (any StorageChangeSignal)?

    struct Status: ResponseEncodable {
        var status: String
        var authCache: ChangeSignalHealth?

        enum CodingKeys: String, CodingKey {
            case status
            case authCache = "auth_cache"
        }
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("health", use: check)
        router.get("health/ready", use: check)
        router.get("health/live") { _, _ in Status(status: "ok") }
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Status {
        guard !readiness.isDraining else { throw AppError.shuttingDown }
        do {
            try await ping()
        } catch {
            context.logger.error("health check: database unusable", metadata: ["error": "\(error)"])
            metrics.databaseError()
            throw AppError.serviceUnavailable
        }
        return Status(status: "ok", authCache: signal?.health)
    }
}
