import HTTPTypes
import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// What the token's market is. `MarketGuardMiddleware` has already refused any other market named in the request.
struct MarketController: Sendable {
    let markets: MarketCatalog

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("v1/market", use: show)
        api.get("v1/markets/:code", use: show)
        // Market-scoped paths to come live under /api/v1/markets/{code}/…; until then the guard still answers 403 for
        // another market's, and 404 is left for the token's own.
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
            api.on("v1/markets/:code/**", method: method) { _, _ -> Response in throw AppError.notFound }
        }
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> MarketInfo {
        guard let market = markets.market(code: context.caller.market) else { throw AppError.marketMismatch }
        return MarketInfo(
            code: market.code, country: market.country, callingCode: "+" + market.callingCode, currency: market.currency,
            defaultLanguage: market.defaultLanguage
        )
    }
}
