import Foundation
import Hummingbird

/// The signed-in user's address book. Another user's address id answers 404, exactly like a missing one.
struct AddressController: Sendable {
    let addresses: any AddressRepository
    let markets: MarketCatalog
    let limit: Int
    let now: WallClock

    struct AddressList: ResponseEncodable {
        var addresses: [AddressResponse]
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        let group = api.group("v1/profile/addresses")
        group.get(use: list)
        group.post(use: create)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> AddressList {
        AddressList(addresses: try await addresses.list(userID: context.caller.userID).map(AddressResponse.init))
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<AddressResponse> {
        var request = request
        let market = try market(of: context)
        let fields = try AddressValidator(rules: market.address).validate(try await request.decodeJSON(as: AddressInput.self))
        switch try await addresses.insert(fields, userID: context.caller.userID, country: market.country, limit: limit, now: now()) {
        case .created(let address): return EditedResponse(status: .created, response: AddressResponse(address))
        case .limitReached: throw AppError(.addressLimitReached, "At most \(limit) addresses per user.")
        }
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> AddressResponse {
        var request = request
        let id = try addressID(context)
        let patch = try await request.decodeJSON(as: AddressInput.self)
        guard let stored = try await addresses.find(id: id, userID: context.caller.userID) else { throw AppError.notFound }
        let fields = try AddressValidator(rules: try market(of: context).address).validate(patch.merged(over: stored))
        guard let updated = try await addresses.update(id: id, userID: context.caller.userID, fields, now: now()) else {
            throw AppError.notFound
        }
        return AddressResponse(updated)
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard try await addresses.delete(id: try addressID(context), userID: context.caller.userID) else { throw AppError.notFound }
        return Response(status: .noContent)
    }

    private func addressID(_ context: AuthenticatedContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }

    private func market(of context: AuthenticatedContext) throws -> Market {
        guard let market = markets.market(code: context.caller.market) else { throw AppError.marketMismatch }
        return market
    }
}
