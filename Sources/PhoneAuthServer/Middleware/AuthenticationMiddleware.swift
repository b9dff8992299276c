import Hummingbird
import PhoneAuthCore

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

    /// `Bearer <token>`, the scheme in any case, spaces and tabs around the token ignored. Plain Swift on purpose:
    /// Foundation's `trimmingCharacters(in:)` bridges through UTF-16 and cost a tenth of a profile request.
    static func bearerToken(_ header: String) -> String? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimming(where: { $0 == " " || $0 == "\t" })
        return token.isEmpty ? nil : String(token)
    }
}

extension Substring {
    func trimming(where isTrimmed: (Character) -> Bool) -> Substring {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return self[first...last]
    }
}
