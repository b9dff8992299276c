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
                "duration_ms": "\(Self.milliseconds(elapsed))",
            ]
        )
    }
}

extension RequestLoggingMiddleware {
    /// `12.34`: hundredths of a millisecond from integers (String(format:) costs more than the rest of the line).
    static func milliseconds(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        let hundredths = seconds * 100_000 + attoseconds / 10_000_000_000_000
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
    static let market = Self("X-Market")!
    static let idempotencyKey = Self("Idempotency-Key")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
