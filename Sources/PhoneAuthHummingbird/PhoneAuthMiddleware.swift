import Hummingbird
import PhoneAuthResourceServer

/// Lets a request through only with a good PhoneAuth access token (`Authorization: Bearer …`), checked by a
/// `PhoneAuthAuthenticator` (signature and claims locally, revocation by the stream), and puts the caller in the
/// context for the handler (``PhoneAuthRequestContext/requireCaller()``). A bad, expired or revoked token is answered
/// 401; a token whose revocation state cannot be told (the stream down, the fallback unable to vouch) 503.
///
/// ```swift
/// let api = router.group("api").add(middleware: PhoneAuthMiddleware(authenticator))
/// api.group("kg").add(middleware: requireMarket("kg")).get("orders") { … }
/// ```
public struct PhoneAuthMiddleware<Context: PhoneAuthRequestContext>: RouterMiddleware {
    /// Who decides.
    public let authenticator: PhoneAuthAuthenticator

    /// A middleware asking `authenticator` about every request.
    public init(_ authenticator: PhoneAuthAuthenticator) {
        self.authenticator = authenticator
    }

    /// Authenticates the request's bearer token and passes the request on with the caller in its context.
    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        do {
            context.phoneAuthCaller = try await authenticator.authenticate(authorization: request.headers[.authorization])
        } catch .revocationUnknown, .keysUnavailable {
            throw PhoneAuthHTTPError.revocationUnknown
        } catch .revoked {
            throw PhoneAuthHTTPError.unauthorized("The token was revoked.")
        } catch .expired {
            throw PhoneAuthHTTPError.unauthorized("The token expired.")
        } catch {
            throw PhoneAuthHTTPError.unauthorized("A valid PhoneAuth access token is required.")
        }
        return try await next(request, context)
    }
}
