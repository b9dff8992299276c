import HTTPTypes
import Hummingbird
import PhoneAuthCore

/// Headers every response carries, errors included: `X-Content-Type-Options: nosniff` and `Referrer-Policy:
/// no-referrer` everywhere; `Cache-Control: no-store` on everything that carries tokens or personal data (`/auth`,
/// `/api`, `/admin`), so no shared cache or browser keeps a token or a profile; the console's CSP and framing ban on its
/// pages. Sits outside the error middleware, so JSON errors get them too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var consolePolicy: String {
        "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "no-referrer"
        // By the first path segment, as the router matches (`//console/users` is the console's page too).
        let segments = request.uri.path.split(separator: "/", omittingEmptySubsequences: true)
        let area = segments.first ?? ""
        if area == "auth" || area == "api" || area == "admin" {
            response.headers[.cacheControl] = "no-store"
        }
        if area == "console" {
            // The console's pages load only the server's own stylesheet and script, and are never framed.
            response.headers[.contentSecurityPolicy] = Self.consolePolicy
            response.headers[.xFrameOptions] = "DENY"
            if segments.dropFirst().first != "assets" { response.headers[.cacheControl] = "no-store" }
        }
        return response
    }
}

extension HTTPField.Name {
    static let referrerPolicy = Self("Referrer-Policy")!
    static let xFrameOptions = Self("X-Frame-Options")!
}
