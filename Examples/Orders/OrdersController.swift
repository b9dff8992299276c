import Foundation
import Hummingbird
import PhoneAuthHummingbird
import PhoneAuthResourceServer

/// The market-specific orders API: `GET` and `POST /{market}/orders` for each market served, each behind PhoneAuth's
/// token check and a market guard, and `GET /health/revocations` saying how the revocation stream stands.
struct OrdersController {
    let book = OrderBook()
    let markets: [String]
    let revocations: PhoneAuthRevocations?

    func addRoutes(to router: Router<OrdersContext>, authenticator: PhoneAuthAuthenticator) {
        router.get("health") { _, _ in HTTPResponse.Status.ok }
        router.get("health/revocations") { _, _ in try await streamStatus() }
        let api = router.group().add(middleware: PhoneAuthMiddleware(authenticator))
        for market in markets {
            // One line makes a route group market-specific.
            let orders = api.group(RouterPath(market)).add(middleware: requireMarket(market))
            orders.get("orders") { [book] _, context in
                let caller = try context.requireCaller()
                return OrderList(market: market, userID: caller.userID, orders: await book.orders(market: market, userID: caller.userID))
            }
            orders.post("orders") { [book] request, context in
                let caller = try context.requireCaller()
                let order = try await request.decode(as: NewOrder.self, context: context)
                guard !order.item.isEmpty, (1...100).contains(order.quantity) else {
                    throw PhoneAuthHTTPError(status: .badRequest, code: "validation_failed", message: "An order needs an item and 1 to 100 of it.")
                }
                let placed = await book.place(order, market: market, userID: caller.userID)
                return EditedResponse(status: .created, response: OrderList(market: market, userID: caller.userID, orders: [placed]))
            }
        }
    }

    private struct StreamStatus: ResponseEncodable {
        var live: Bool
        var lastEventID: Int64?
        var revocations: Int
        var connections: Int
        var problem: String?

        enum CodingKeys: String, CodingKey {
            case live, revocations, connections, problem
            case lastEventID = "last_event_id"
        }
    }

    private func streamStatus() async throws -> StreamStatus {
        guard let status = await revocations?.status else { return StreamStatus(live: false, revocations: 0, connections: 0, problem: "not used") }
        return StreamStatus(
            live: status.isLive, lastEventID: status.lastEventID, revocations: status.revocations, connections: status.connections,
            problem: status.lastProblem)
    }
}
