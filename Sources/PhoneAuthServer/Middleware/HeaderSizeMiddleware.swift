import Hummingbird
import PhoneAuthCore

/// Request headers over `maxBytes` in all answer 431 in our JSON shape. (Past 80 KiB the HTTP parser itself closes
/// the connection with a bare 400 before any middleware runs.)
struct HeaderSizeMiddleware<Context: RequestContext>: RouterMiddleware {
    static var maxBytes: Int { 16 * 1024 }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // As on the wire: "Name: value\r\n".
        let size = request.headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 }
        guard size <= Self.maxBytes else { throw AppError.headersTooLarge }
        return try await next(request, context)
    }
}
