import Hummingbird
import PhoneAuthResourceServer

/// A request context that carries the caller ``PhoneAuthMiddleware`` authenticated. Add the stored property to your
/// context:
///
/// ```swift
/// struct AppContext: PhoneAuthRequestContext {
///     var coreContext: CoreRequestContextStorage
///     var phoneAuthCaller: PhoneAuthCaller?
///     init(source: Source) { coreContext = .init(source: source) }
/// }
/// ```
public protocol PhoneAuthRequestContext: RequestContext {
    /// The signed-in caller, once ``PhoneAuthMiddleware`` let the request through.
    var phoneAuthCaller: PhoneAuthCaller? { get set }
}

extension PhoneAuthRequestContext {
    /// The signed-in caller, for a handler behind ``PhoneAuthMiddleware``; a 401 if the route was not behind it.
    public func requireCaller() throws -> PhoneAuthCaller {
        guard let phoneAuthCaller else { throw PhoneAuthHTTPError.unauthorized("This route needs a PhoneAuth access token.") }
        return phoneAuthCaller
    }
}
