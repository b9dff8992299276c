import HTTPTypes
import Hummingbird

/// Headers every response carries, errors included: `X-Content-Type-Options: nosniff` and `Referrer-Policy:
/// no-referrer` everywhere; `Cache-Control: no-store` on everything that carries tokens or personal data (`/auth`,
/// `/api`, `/admin`), so no shared cache or browser keeps a token or a profile. Sits outside the error middleware, so
/// JSON errors get them too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var consolePolicy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        let path = request.uri.path
        if path.hasPrefix("/auth/") || path.hasPrefix("/api/") || path.hasPrefix("/admin/") {
            response.headers[.cacheControl] = "no-store"
        }
        if path == "/console" || path.hasPrefix("/console/") {
            // The console's pages load only the server's own stylesheet and script, and are never framed.
            response.headers[.contentSecurityPolicy] = Self.consolePolicy
            response.headers[.xFrameOptions] = "DENY"
            if !path.hasPrefix("/console/assets/") { response.headers[.cacheControl] = "no-store" }
        }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
