import Hummingbird
import PhoneAuthCore

/// Admits the app's other services, as configured introspection clients (HTTP Basic), to introspection and the
/// revocation stream. One throttle for both: a network that fails 10 times in 10 minutes, through either, is answered
/// 429 until its oldest failure is 10 minutes old.
struct ServiceClientGate: Sendable {
    let clients: IntrospectionClients
    let network: ClientNetwork
    let failures: FailureThrottle
    let now: WallClock

    init(
        clients: IntrospectionClients, network: ClientNetwork, failures: FailureThrottle = FailureThrottle(limit: 10, window: 600),
        now: @escaping WallClock
    ) {
        (self.clients, self.network, self.failures, self.now) = (clients, network, failures, now)
    }

    /// Throws unless `request` carries a configured client's credentials.
    func admit(_ request: Request, context: AppRequestContext) throws {
        let caller = network.key(request, peer: context.peerAddress)
        if let wait = failures.retryAfter(caller, now: now()) { throw AppError.introspectionThrottled.retrying(after: wait) }
        guard clients.authenticates(request.headers[.authorization]) else {
            failures.recordFailure(caller, now: now())
            throw AppError.invalidClient
        }
    }
}
