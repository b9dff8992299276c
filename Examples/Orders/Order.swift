import Foundation
import Hummingbird

/// One order a user placed in one market.
struct Order: Codable, Sendable, Equatable {
    var id: Int
    var item: String
    var quantity: Int
}

/// What `POST /{market}/orders` takes.
struct NewOrder: Decodable {
    var item: String
    var quantity: Int
}

/// A user's orders in a market, as the API answers.
struct OrderList: ResponseEncodable {
    var market: String
    var userID: Int64
    var orders: [Order]

    enum CodingKeys: String, CodingKey {
        case market, orders
        case userID = "user_id"
    }
}
