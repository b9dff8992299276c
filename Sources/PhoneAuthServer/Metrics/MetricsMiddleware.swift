import Hummingbird
import PhoneAuthCore

/// Counts each request and records its latency by method, route template and final status. Just inside the request
/// logger, so it sees every answer (errors already shaped by `ErrorMiddleware`); the clock stops when the handler
/// returns, before the body is written.
struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: ServerMetrics


    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context: context, status: response.status.code, start: start)
            return response
        } catch {
            record(request, context: context, status: (error as? any HTTPResponseError)?.status.code ?? 500, start: start)
            throw error
        }
    }

    private func record(_ request: Request, context: Context, status: Int, start: ContinuousClock.Instant) {
        let (seconds, attoseconds) = (ContinuousClock.now - start).components
        let method = knownMethods.contains(request.method) ? request.method.rawValue : "other"
        // No route matched (404, or 405 for a known path; the router calls it "NotFound"): one label, not the path the
        // client made up.
        let route = context.endpointPath.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched"
        metrics.request(
            method: method, route: route, status: status,
            nanoseconds: UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds)) / 1_000_000_000)
    }
}

/// Methods outside this set share one label, so a client cannot create series at will.
private let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]
