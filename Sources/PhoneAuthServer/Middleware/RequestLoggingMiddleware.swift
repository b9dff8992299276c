import HTTPTypes
import Hummingbird
import Logging
import PhoneAuthCore

/// One line per request: method, path (never the query), status, duration and request id. Outermost, so it sees the
/// final status; it also hands the id back as `X-Request-ID`.
struct RequestLoggingMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        // A caller's (or its proxy's) own id is kept when it is sane, so one id follows a request across services.
        var context = context
        var id = context.id
        if let supplied = request.headers[.requestID].flatMap(Self.saneID) {
            id = supplied
            context.logger[metadataKey: "hb.request.id"] = .string(id)
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch {
            log(request, context: context, status: 500, start: start)
            throw error
        }
        response.headers[.requestID] = id
        log(request, context: context, status: response.status.code, start: start)
        return response
    }

    /// 1 to 128 of `A-Z a-z 0-9 - _ . :`; anything else (spaces, quotes, control characters, very long) is replaced.
    static func saneID(_ text: String) -> String? {
        guard (1...128).contains(text.utf8.count) else { return nil }
        let allowed = text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x7a) || byte == 0x2d || byte == 0x5f || byte == 0x2e
                || byte == 0x3a
        }
        return allowed ? text : nil
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
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
