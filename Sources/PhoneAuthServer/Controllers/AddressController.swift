import Foundation
import Hummingbird
import NIOCore
import PhoneAuthAPI
import PhoneAuthCore

/// The signed-in user's address book. Another user's address id answers 404, exactly like a missing one.
struct AddressController: Sendable {
    let addresses: any AddressRepository
    let idempotency: any IdempotencyRepository
    let markets: MarketCatalog
    let limit: Int
    let now: WallClock
    /// The JSON and tag of each address book recently served, keyed by its rows: exact with no invalidation.
    private let bodies = BoundedMemo<[PhoneAuthCore.Address], ETag.Encoded>(capacity: 10_000, maxBytes: ETag.Encoded.memoBytes) { $1.memoryCost }

    init(addresses: any AddressRepository, idempotency: any IdempotencyRepository, markets: MarketCatalog, limit: Int, now: @escaping WallClock) {
        self.addresses = addresses
        self.idempotency = idempotency
        self.markets = markets
        self.limit = limit
        self.now = now
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        let group = api.group("v1/profile/addresses")
        group.get(use: list)
        group.post(use: create)
        group.patch(":id", use: update)
        group.delete(":id", use: delete)
    }

    /// With the list's `ETag`; `If-None-Match` → 304.
    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let all = try await addresses.list(userID: context.caller.userID)
        let encoded = try bodies.value(for: all) { try ETag.encode(AddressList(addresses: try all.map { try PhoneAuthAPI.Address($0) })) }
        return ETag.respond(encoded, request: request)
    }

    /// With an `Idempotency-Key`, a retried create answers the first result (for a day) and adds nothing.
    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var request = request
        let market = try market(of: context)
        let fields = try AddressValidator(rules: market.address).validate(try await request.decodeJSON(as: AddressInput.self))
        guard let key = try IdempotencyKey.of(request) else {
            return try created(PhoneAuthAPI.Address(try await insert(fields, market: market, context: context)), request, context)
        }
        // Scoped to the user, so two users' keys never meet.
        let scoped = "address:\(context.caller.userID):\(key)"
        let owner = "user:\(context.caller.userID)"
        return try await IdempotentRequest(store: idempotency).run(
            key: scoped, subject: owner, expiresAt: now().addingTimeInterval(86_400), now: now(), status: .created,
            work: { try PhoneAuthAPI.Address(try await insert(fields, market: market, context: context)) },
            respond: { try created($0, request, context) },
            replay: { status, body in
                // The first answer again, with the same `ETag` it had (the stored body carries it).
                var response = Response.json(body, status: status)
                let stored = try? JSONSerialization.jsonObject(with: body) as? [String: Any]
                if let tag = stored?["etag"] as? String { response.headers[.eTag] = tag }
                return response
            })
    }

    private func insert(_ fields: PhoneAuthCore.AddressFields, market: Market, context: AuthenticatedContext) async throws
        -> PhoneAuthCore.Address
    {
        switch try await addresses.insert(fields, userID: context.caller.userID, country: market.country, limit: limit, now: now()) {
        case .created(let address): return address
        case .limitReached: throw AppError(.addressLimitReached, "At most \(limit) addresses per user.")
        }
    }

    private func created(_ address: PhoneAuthAPI.Address, _ request: Request, _ context: AuthenticatedContext) throws -> Response {
        try ETag.respond(address, request: request, status: .created, tag: address.etag)
    }

    /// With `If-Match`, refused (412) when the address changed since the client read it.
    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var request = request
        let id = try addressID(context)
        let patch = try await request.decodeJSON(as: AddressInput.self)
        guard let stored = try await addresses.find(id: id, userID: context.caller.userID) else { throw AppError.notFound }
        // The edit is checked before the precondition: a request that could never apply is a 400 whatever the tag.
        let fields = try AddressValidator(rules: try market(of: context).address).validate(patch.merged(over: stored))
        let conditional = request.headers[.ifMatch] != nil
        try ETag.checkIfMatch(request, tag: try ETag.of(stored))
        guard let updated = try await addresses.update(
            id: id, userID: context.caller.userID, fields, ifUnchangedSince: conditional ? stored.updatedAt : nil, now: now())
        else {
            throw conditional ? AppError.preconditionFailed : AppError.notFound
        }
        return try ETag.respond(PhoneAuthAPI.Address(updated), request: request, tag: ETag.of(updated))
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
