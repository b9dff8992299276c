import Hummingbird

/// The signed-in user's own profile, read fresh from the database on every call.
struct ProfileController: Sendable {
    let users: any UserRepository
    let validator: ProfileValidator
    let now: WallClock

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.get("v1/profile", use: show)
        api.get("user/me", use: show)
        api.patch("v1/profile", use: update)
    }

    /// The authentication step has just read the row; it is this request's fresh copy.
    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> UserResponse {
        UserResponse(context.caller.user)
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> UserResponse {
        var request = request
        let changes = try validator.validate(try await request.decodeJSON(as: ProfilePatch.self))
        guard let user = try await users.updateProfile(id: context.caller.userID, changes, now: now()) else {
            throw AppError.unauthorized
        }
        return UserResponse(user)
    }
}
