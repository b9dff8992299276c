import NIOCore
import NIOHTTPTypes
import PhoneAuthCore

/// Drops connections that stall: a request whose next part does not arrive within `readTimeout` (a Content-Length it
/// never delivers), a request not read whole within `requestTimeout` of its head (a body trickled a byte every few
/// seconds resets the read timeout each time, and would hold the connection for a day), and a keep-alive connection
/// left idle for `idleTimeout` between requests (which also bounds how long a request head may take to arrive). While
/// a request is being answered nothing is timed: slow handlers have deadlines of their own. Hummingbird's built-in
/// idle timeout is one number for all of these.
final class ConnectionTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let readTimeout: TimeAmount
    private let requestTimeout: TimeAmount
    private let idleTimeout: TimeAmount
    private var responsesOwed = 0
    private var readingRequest = false
    private var timer: Scheduled<Void>?
    private var requestDeadline: Scheduled<Void>?

    init(readTimeout: Duration, requestTimeout: Duration, idleTimeout: Duration) {
        self.readTimeout = TimeAmount(readTimeout)
        self.requestTimeout = TimeAmount(requestTimeout)
        self.idleTimeout = TimeAmount(idleTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(idleTimeout, context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(idleTimeout, context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            responsesOwed += 1
            readingRequest = true
            arm(readTimeout, context)
            requestDeadline?.cancel()
            requestDeadline = context.eventLoop.assumeIsolated().scheduleTask(in: requestTimeout) { context.close(promise: nil) }
        case .body:
            arm(readTimeout, context)
        case .end:
            readingRequest = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesOwed = max(0, responsesOwed - 1)
            if responsesOwed == 0, !readingRequest { arm(idleTimeout, context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ timeout: TimeAmount, _ context: ChannelHandlerContext) {
        timer?.cancel()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) {
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
        requestDeadline?.cancel()
        requestDeadline = nil
    }
}
