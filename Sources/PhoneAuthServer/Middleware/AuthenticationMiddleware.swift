import Hummingbird

/// Reads `Authorization: Bearer …` and asks the `CallerResolver` who is calling, as of now. Anything short of a valid
/// token of an active user is 401.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let resolver: any CallerResolver

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization], let token = Self.bearerToken(header) else { throw AppError.unauthorized }
        var context = context
        context.caller = try await resolver.resolve(bearer: token, logger: context.logger)
        return try await next(request, context)
    }

    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}
