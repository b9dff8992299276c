import Hummingbird
import PhoneAuthCore

/// Who is calling, as every per-network rule sees it: the client's address (the socket peer, or behind a trusted
/// proxy its `X-Forwarded-For` hop) and the network that address counts as (`NetworkKey`).
struct ClientNetwork: Sendable {
    let trustedProxies: Set<String>
    let ipv6PrefixLength: Int

    func address(_ request: Request, peer: String?) -> String {
        ClientAddress.resolve(peer: peer, forwardedFor: request.headers[.xForwardedFor], trustedProxies: trustedProxies)
    }

    func key(_ request: Request, peer: String?) -> String {
        NetworkKey.of(address(request, peer: peer), ipv6PrefixLength: ipv6PrefixLength)
    }
}
