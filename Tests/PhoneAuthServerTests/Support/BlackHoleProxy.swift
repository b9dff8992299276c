import NIOCore
import NIOPosix
import Synchronization

/// A TCP proxy on 127.0.0.1 in front of another loopback server. `blackHole()` makes it swallow every byte in both
/// directions while every connection stays open, new ones included: what a NAT or firewall that dropped a connection's
/// state looks like to both ends. `restore()` forwards again.
final class BlackHoleProxy: Sendable {
    let port: Int
    private let listener: any Channel
    private let swallowing: Switch

    private init(port: Int, listener: any Channel, swallowing: Switch) {
        self.port = port
        self.listener = listener
        self.swallowing = swallowing
    }

    static func start(forwardingTo targetPort: Int) async throws -> BlackHoleProxy {
        let swallowing = Switch()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture {
                            try outbound.pipeline.syncOperations.addHandler(Relay(partner: inbound, swallowing: swallowing))
                        }
                    }
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMapThrowing { outbound in
                        try inbound.pipeline.syncOperations.addHandler(Relay(partner: outbound, swallowing: swallowing))
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return BlackHoleProxy(port: listener.localAddress?.port ?? 0, listener: listener, swallowing: swallowing)
    }

    func blackHole() { swallowing.set(true) }
    func restore() { swallowing.set(false) }

    /// Stops accepting; connections already made end with their peers.
    func stop() async {
        try? await listener.close()
    }

    final class Switch: Sendable {
        private let on = Atomic(false)
        var isOn: Bool { on.load(ordering: .relaxed) }
        func set(_ value: Bool) { on.store(value, ordering: .relaxed) }
    }

    /// Writes what one side reads to the other, unless swallowing; closing one side closes the other.
    private final class Relay: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer

        private let partner: any Channel
        private let swallowing: Switch

        init(partner: any Channel, swallowing: Switch) {
            self.partner = partner
            self.swallowing = swallowing
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !swallowing.isOn else { return }
            partner.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
