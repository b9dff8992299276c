/// Every user's orders, per market, in memory: the example keeps no database of its own.
actor OrderBook {
    private struct Owner: Hashable {
        var market: String
        var userID: Int64
    }

    private var orders: [Owner: [Order]] = [:]
    private var nextID = 1

    func orders(market: String, userID: Int64) -> [Order] {
        orders[Owner(market: market, userID: userID)] ?? []
    }

    func place(_ order: NewOrder, market: String, userID: Int64) -> Order {
        defer { nextID += 1 }
        let placed = Order(id: nextID, item: order.item, quantity: order.quantity)
        orders[Owner(market: market, userID: userID), default: []].append(placed)
        return placed
    }
}
