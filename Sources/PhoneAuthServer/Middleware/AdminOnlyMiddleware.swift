import Hummingbird
import PhoneAuthCore

/// Lets only callers whose current database row says `admin` through.
struct AdminOnlyMiddleware: RouterMiddleware {
    typealias Context = AuthenticatedContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.caller.user.role == UserRole.admin.rawValue else { throw AppError.forbidden }
        return try await next(request, context)
    }
}
