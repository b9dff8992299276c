import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// The signed-in user's own profile, read fresh from the database on every call.
struct ProfileController: Sendable {
    let users: any UserRepository
    let validator: ProfileValidator
    let now: WallClock
    /// The JSON and tag of each user row recently served, keyed by the row itself: a changed row is a different key,
    /// so the answer is exact with no invalidation, and an unchanged one skips the encoder and the digest.
    private let bodies = BoundedMemo<User, ETag.Encoded>(capacity: 10_000, maxBytes: ETag.Encoded.memoBytes) { $1.memoryCost }

    init(users: any UserRepository, validator: ProfileValidator, now: @escaping WallClock) {
        self.users = users
        self.validator = validator
        self.now = now
    }

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("v1/profile", use: show)
        api.get("user/me", use: show)
        api.patch("v1/profile", use: update)
    }

    /// The authentication step has just read the row; it is this request's fresh copy. `If-None-Match` → 304.
    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let user = context.caller.user
        return ETag.respond(try bodies.value(for: user) { try ETag.encode(UserProfile(user)) }, request: request)
    }

    /// With `If-Match`, refused (412) when the profile changed since the client read it.
    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        var request = request
        let changes = try validator.validate(try await request.decodeJSON(as: ProfilePatch.self))
        let conditional = request.headers[.ifMatch] != nil
        try ETag.checkIfMatch(request, tag: try ETag.of(context.caller.user))
        // The row is checked again inside the write, so an edit racing this one still gets its 412.
        let since = conditional ? context.caller.user.updatedAt : nil
        guard let user = try await users.updateProfile(id: context.caller.userID, changes, ifUnchangedSince: since, now: now()) else {
            throw conditional ? AppError.preconditionFailed : AppError.unauthorized
        }
        return try ETag.respond(UserProfile(user), request: request)
    }
}
