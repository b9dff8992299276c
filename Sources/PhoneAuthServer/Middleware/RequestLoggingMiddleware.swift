import HTTPTypes
import Hummingbird
import Logging

/// One line per request: method, path (never the query), status, duration and request id. Outermost, so it sees the
/// final status; it also hands the id back as `X-Request-ID`.
struct RequestLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            log(request, context: context, status: 500, start: start)
            throw error
        }
        response.headers[.requestID] = context.id
        log(request, context: context, status: response.status.code, start: start)
        return response
    }

    private func log(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)",
                "path": "\(request.uri.path)",
                "status": "\(status)",
                "duration_ms": "\(String(format: "%.2f", elapsed.seconds * 1000))",
            ]
        )
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
    static let market = Self("X-Market")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
