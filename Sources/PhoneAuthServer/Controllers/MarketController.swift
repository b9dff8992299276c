import Hummingbird

/// What the token's market is. `MarketGuardMiddleware` has already refused any other market named in the request.
struct MarketController: Sendable {
    let markets: MarketCatalog

    struct MarketResponse: ResponseEncodable, Equatable {
        var code: String
        var country: String
        var callingCode: String
        var currency: String
        var defaultLanguage: String

        enum CodingKeys: String, CodingKey {
            case code, country, currency
            case callingCode = "calling_code"
            case defaultLanguage = "default_language"
        }
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("v1/market", use: show)
        api.get("v1/markets/:code", use: show)
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> MarketResponse {
        guard let market = markets.market(code: context.caller.claims.market) else { throw AppError.marketMismatch }
        return MarketResponse(
            code: market.code, country: market.country, callingCode: "+" + market.callingCode, currency: market.currency,
            defaultLanguage: market.defaultLanguage
        )
    }
}
