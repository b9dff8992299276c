import Foundation
import Hummingbird
import PhoneAuthCore

/// Per-request state for every route. `caller` is set by `AuthenticationMiddleware` on protected groups.
struct AppRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    var caller: Caller?
    /// The socket peer's IP; `ClientAddress` decides whether to believe `X-Forwarded-For` instead.
    let peerAddress: String?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }

    var maxUploadSize: Int { JSONCoding.maxBodyBytes }
    var requestDecoder: JSONDecoder { JSONCoding.decoder }
    var responseEncoder: JSONEncoder { JSONCoding.encoder }
}

/// The context of routes that need a signed-in user: `caller` is not optional, so a handler cannot forget the check.
struct AuthenticatedContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    let caller: Caller
    let peerAddress: String?

    init(context: AppRequestContext) throws {
        guard let caller = context.caller else { throw AppError.unauthorized }
        coreContext = context.coreContext
        self.caller = caller
        peerAddress = context.peerAddress
    }

    var maxUploadSize: Int { JSONCoding.maxBodyBytes }
    var requestDecoder: JSONDecoder { JSONCoding.decoder }
    var responseEncoder: JSONEncoder { JSONCoding.encoder }
}
