import Hummingbird
import PhoneAuthCore

/// A request may name a market (`X-Market`, or `/api/v1/markets/{code}/…`); it must be the token's.
struct MarketGuardMiddleware: RouterMiddleware {
    typealias Context = AuthenticatedContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let market = context.caller.market
        if let named = request.headers[.market], named.trimmingCharacters(in: .whitespaces).lowercased() != market {
            throw AppError.marketMismatch
        }
        let segments = request.uri.path.split(separator: "/")
        if segments.count >= 4, segments[0] == "api", segments[1] == "v1", segments[2] == "markets", segments[3] != market {
            throw AppError.marketMismatch
        }
        return try await next(request, context)
    }
}
