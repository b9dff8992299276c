import Hummingbird

/// `GET /health`: 200 only after a real database round trip.
struct HealthController: Sendable {
    let ping: @Sendable () async throws -> Void

    struct Status: ResponseEncodable {
        var status: String
    }

    func addRoutes(to router: some RouterMethods<AppRequestContext>) {
        router.get("health", use: check)
    }

    @Sendable func check(_ request: Request, context: AppRequestContext) async throws -> Status {
        do {
            try await ping()
        } catch {
            context.logger.error("health check: database unusable", metadata: ["error": "\(error)"])
            throw AppError.serviceUnavailable
        }
        return Status(status: "ok")
    }
}
