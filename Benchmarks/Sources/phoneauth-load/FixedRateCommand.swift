import ArgumentParser
import Foundation
import Histogram
import NIOCore
import NIOPosix

/// An open-loop load, as wrk2 makes it: each keep-alive connection has its own schedule (`rate / connections` requests
/// per second); a request that falls due while the previous one is still out waits in line, and every latency counts
/// from when its request was due, so a stall shows in the percentiles instead of slowing the load (no coordinated
/// omission). Raw NIO with pre-encoded requests, so the generator stays cheap at tens of thousands of requests/s.
struct FixedRateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "fixed-rate", abstract: "GET one path at a fixed rate.")

    @Option(help: "Server port on 127.0.0.1.") var port: Int
    @Option(help: "Path to GET.") var path = "/api/v1/profile"
    @Option(help: "Bearer token (or the TOKEN environment variable).") var token: String?
    @Option(help: "Requests per second, in all.") var rate: Double
    @Option(help: "Seconds the load lasts.") var duration: Double = 10
    @Option(help: "Keep-alive connections.") var connections = 32

    func run() async throws {
        var head = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        if let bearer = token ?? ProcessInfo.processInfo.environment["TOKEN"] { head += "Authorization: Bearer \(bearer)\r\n" }
        let request = ByteBuffer(string: head + "\r\n")
        let interval = TimeAmount.nanoseconds(Int64(1e9 / rate * Double(connections)))
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let start = NIODeadline.now() + .milliseconds(100)
        var handlers: [PacedHandler] = []
        for index in 0..<connections {
            // Schedules are staggered so the connections do not fire together.
            let offset = TimeAmount.nanoseconds(interval.nanoseconds * Int64(index) / Int64(connections))
            let handler = PacedHandler(
                request: request, first: start + offset, interval: interval, end: start + .nanoseconds(Int64(duration * 1e9)))
            handlers.append(handler)
            _ = try await ClientBootstrap(group: group).channelOption(.socketOption(.tcp_nodelay), value: 1)
                .channelInitializer { channel in channel.pipeline.addHandler(handler) }
                .connect(host: "127.0.0.1", port: port).get()
        }
        var latencies = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
        var failures = 0
        var sent = 0
        for handler in handlers {
            let result = try await handler.finished.futureResult.get()
            latencies.add(result.latencies)
            failures += result.failures
            sent += result.sent
        }
        Report.print([
            "rate": rate, "requests": Double(latencies.totalCount), "errors": Double(failures), "scheduled": Double(sent),
            "achieved_per_second": Double(latencies.totalCount) / duration,
            "p50_ms": latencies.milliseconds(at: 50), "p99_ms": latencies.milliseconds(at: 99),
            "p999_ms": latencies.milliseconds(at: 99.9), "max_ms": Double(latencies.max) / 1_000,
        ])
    }
}

/// One connection's schedule and its answers, on the connection's event loop.
final class PacedHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    struct Result: Sendable {
        var latencies: Histogram<UInt64>
        var failures: Int
        var sent: Int
    }

    let finished: EventLoopPromise<Result>
    private let request: ByteBuffer
    private var next: NIODeadline
    private let interval: TimeAmount
    private let end: NIODeadline
    private var due: [NIODeadline] = []
    private var inFlight: NIODeadline?
    private var received = ByteBuffer()
    private var bodyRemaining: Int?
    private var status = 0
    private var result = Result(
        latencies: Histogram(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three), failures: 0, sent: 0)
    private var context: ChannelHandlerContext?

    init(request: ByteBuffer, first: NIODeadline, interval: TimeAmount, end: NIODeadline) {
        self.request = request
        next = first
        self.interval = interval
        self.end = end
        finished = MultiThreadedEventLoopGroup.singleton.next().makePromise()
    }

    func channelActive(context: ChannelHandlerContext) {
        self.context = context
        tick()
    }

    /// Every due time is scheduled exactly; lateness of the timer itself counts against us, not the server.
    private func tick() {
        guard let context else { return }
        if next >= end {
            finishIfDone()
            return
        }
        let dueAt = next
        next = next + interval
        context.eventLoop.scheduleTask(deadline: dueAt) { [self] in
            due.append(dueAt)
            result.sent += 1
            sendIfIdle()
            tick()
        }
    }

    private func sendIfIdle() {
        guard inFlight == nil, !due.isEmpty, let context else { return }
        inFlight = due.removeFirst()
        context.writeAndFlush(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var chunk = unwrapInboundIn(data)
        received.writeBuffer(&chunk)
        while parseOne() {
            if let sentAt = inFlight {
                if status == 200 {
                    _ = result.latencies.record(UInt64((NIODeadline.now() - sentAt).nanoseconds / 1_000))
                } else {
                    result.failures += 1
                }
            }
            inFlight = nil
            sendIfIdle()
        }
        finishIfDone()
    }

    /// Consumes one whole response from `received` when it is all there (bytes only: no strings on this path).
    private func parseOne() -> Bool {
        if bodyRemaining == nil {
            let parsed = received.withUnsafeReadableBytes { bytes -> (headLength: Int, status: Int, length: Int)? in
                guard bytes.count >= 16 else { return nil }
                var index = 0
                var lineStart = 0
                var length = 0
                while index + 3 < bytes.count {
                    if bytes[index] == 13, bytes[index + 1] == 10 {
                        if bytes[index + 2] == 13, bytes[index + 3] == 10 {
                            let status = Int(bytes[9] &- 48) * 100 + Int(bytes[10] &- 48) * 10 + Int(bytes[11] &- 48)
                            return (index + 4, status, length)
                        }
                        lineStart = index + 2
                        // "content-length:" in any case: 15 bytes, checked by its first letter and length only when
                        // the line could be it.
                        if bytes[lineStart] | 0x20 == UInt8(ascii: "c"), lineStart + 15 < bytes.count,
                            bytes[lineStart + 14] == UInt8(ascii: ":"), bytes[lineStart + 8] | 0x20 == UInt8(ascii: "l")
                        {
                            var cursor = lineStart + 15
                            length = 0
                            while cursor < bytes.count, bytes[cursor] == 32 { cursor += 1 }
                            while cursor < bytes.count, bytes[cursor] >= 48, bytes[cursor] <= 57 {
                                length = length * 10 + Int(bytes[cursor] - 48)
                                cursor += 1
                            }
                        }
                    }
                    index += 1
                }
                return nil
            }
            guard let parsed else { return false }
            status = parsed.status
            received.moveReaderIndex(forwardBy: parsed.headLength)
            bodyRemaining = parsed.length
        }
        guard let remaining = bodyRemaining, received.readableBytes >= remaining else { return false }
        received.moveReaderIndex(forwardBy: remaining)
        if received.readableBytes == 0 { received.clear() }
        bodyRemaining = nil
        return true
    }

    private func finishIfDone() {
        guard next >= end, inFlight == nil, due.isEmpty, let context else { return }
        self.context = nil
        finished.succeed(result)
        context.close(promise: nil)
    }

    /// The server closed the connection: what was due or out is counted as failed.
    func channelInactive(context: ChannelHandlerContext) {
        guard self.context != nil else { return }
        errorCaught(context: context, error: ChannelError.eof)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard self.context != nil else { return }
        result.failures += (inFlight == nil ? 0 : 1) + due.count + Int((end - next).nanoseconds / max(1, interval.nanoseconds))
        due.removeAll()
        next = end
        inFlight = nil
        self.context = nil
        finished.succeed(result)
        context.close(promise: nil)
    }
}
