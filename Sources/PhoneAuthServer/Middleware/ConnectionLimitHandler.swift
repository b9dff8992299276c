import NIOCore
import PhoneAuthCore

/// At most `limit` open connections per client network: past it a new connection is closed at once, so one address
/// cannot hold the server's sockets (slow bodies, idle keep-alives). Trusted proxies are exempt: every client behind
/// the load balancer arrives through them. The default is high enough for a carrier-grade NAT, where thousands of
/// subscribers share an address but each holds a connection only for a moment.
final class ConnectionLimitHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    /// Open connections per network, shared by every connection's handler.
    final class Counts: Sendable {
        private let open = Locked<[String: Int]>([:])

        /// Counts one more for `network`; false (and nothing counted) when it already holds `limit`.
        func admit(_ network: String, limit: Int) -> Bool {
            open.withLock { open in
                let current = open[network, default: 0]
                guard current < limit else { return false }
                open[network] = current + 1
                return true
            }
        }

        func release(_ network: String) {
            open.withLock { open in
                let remaining = open[network, default: 1] - 1
                open[network] = remaining > 0 ? remaining : nil
            }
        }

        func count(_ network: String) -> Int { open.withLock { $0[network, default: 0] } }
    }

    private let counts: Counts
    private let limit: Int
    private let exempt: Set<String>
    private let ipv6PrefixLength: Int
    private var counted: String?

    init(counts: Counts, limit: Int, exempt: Set<String>, ipv6PrefixLength: Int) {
        (self.counts, self.limit, self.exempt, self.ipv6PrefixLength) = (counts, limit, exempt, ipv6PrefixLength)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { admit(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        admit(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let counted { counts.release(counted) }
        counted = nil
        context.fireChannelInactive()
    }

    private func admit(_ context: ChannelHandlerContext) {
        guard counted == nil, let peer = context.channel.remoteAddress?.ipAddress, !exempt.contains(peer) else { return }
        let network = NetworkKey.of(peer, ipv6PrefixLength: ipv6PrefixLength)
        if counts.admit(network, limit: limit) {
            counted = network
        } else {
            context.close(promise: nil)
        }
    }
}
