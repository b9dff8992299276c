import Hummingbird

/// Serves only callers whose token is for `market` (403 `market_mismatch` to the others): a market-specific API in
/// one line. Behind ``PhoneAuthMiddleware``.
public struct MarketGuard<Context: PhoneAuthRequestContext>: RouterMiddleware {
    /// The market served (`kg`, `us`, …).
    public let market: String

    /// A guard of `market`.
    public init(market: String) {
        self.market = market
    }

    /// Passes the request on when its caller's market is ``market``; 403 `market_mismatch` otherwise.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard try context.requireCaller().market == market else { throw PhoneAuthHTTPError.marketMismatch(market) }
        return try await next(request, context)
    }
}

/// A ``MarketGuard`` of `market`: `group.add(middleware: requireMarket("kg"))`.
public func requireMarket<Context: PhoneAuthRequestContext>(_ market: String) -> MarketGuard<Context> {
    MarketGuard(market: market)
}
