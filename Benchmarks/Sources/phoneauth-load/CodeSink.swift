import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// The SMS webhook receiver: every `POST {"to","body"}` from PhoneAuth's webhook provider is answered 200 and its
/// six-digit code kept per phone; `GET /code?to=+1…` answers the latest code, waiting up to 5 s for one to arrive.
final class CodeSink: Sendable {
    private struct State {
        var codes: [String: String] = [:]
        var waiters: [String: [CheckedContinuation<String?, Never>]] = [:]
    }
    private let state = Mutex(State())

    func store(code: String, to phone: String) {
        let waiters = state.withLock { state in
            state.codes[phone] = code
            return state.waiters.removeValue(forKey: phone) ?? []
        }
        for waiter in waiters { waiter.resume(returning: code) }
    }

    /// Takes the code (each code is read once), or waits for it.
    func take(for phone: String) async -> String? {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> String?? in
                if let code = state.codes.removeValue(forKey: phone) { return .some(code) }
                state.waiters[phone, default: []].append(continuation)
                return .none
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    /// Resumes anyone still waiting for `phone` with nothing (their send failed).
    func abandon(_ phone: String) {
        let waiters = state.withLock { $0.waiters.removeValue(forKey: phone) ?? [] }
        for waiter in waiters { waiter.resume(returning: nil) }
    }

    /// Listens on 127.0.0.1:`port` until the process ends.
    func listen(port: Int) async throws -> Channel {
        try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(SinkHandler(sink: self))
                }
            }
            .bind(host: "127.0.0.1", port: port).get()
    }

    static func code(in text: String) -> String? {
        guard let range = text.range(of: #"\d{6}"#, options: .regularExpression) else { return nil }
        return String(text[range])
    }
}

private final class SinkHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart
    private let sink: CodeSink
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(sink: CodeSink) { self.sink = sink }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            self.head = head
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let head else { return }
            if head.method == .POST {
                if let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                    let to = object["to"] as? String, let text = object["body"] as? String, let code = CodeSink.code(in: text)
                {
                    sink.store(code: code, to: to)
                }
                respond(context: context, status: .ok, body: "")
            } else if let to = URLComponents(string: head.uri)?.queryItems?.first(where: { $0.name == "to" })?.value {
                let loop = context.eventLoop
                let bound = NIOLoopBound((self, context), eventLoop: loop)
                let sink = self.sink
                Task {
                    let code = await withTaskGroup(of: String?.self) { group in
                        group.addTask { await sink.take(for: to) }
                        group.addTask {
                            if (try? await Task.sleep(for: .seconds(5))) != nil { sink.abandon(to) }
                            return nil
                        }
                        let first = await group.next() ?? nil
                        group.cancelAll()
                        return first
                    }
                    loop.execute {
                        let (handler, context) = bound.value
                        handler.respond(context: context, status: code == nil ? .notFound : .ok, body: code ?? "")
                    }
                }
            } else {
                respond(context: context, status: .notFound, body: "")
            }
        }
    }

    private func respond(context: ChannelHandlerContext, status: HTTPResponseStatus, body text: String) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Length", value: "\(text.utf8.count)")
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        if !text.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: text)))), promise: nil) }
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }
}
