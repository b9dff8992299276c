import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import PhoneAuthAPI
import PhoneAuthCore
import ServiceLifecycle

/// `GET /auth/revocations`: the revocations the app's other services must apply, as Server-Sent Events, so they can
/// verify tokens locally and still refuse a revoked one on its next request. Each event carries its log id; a
/// reconnect with `Last-Event-ID` resumes exactly after it while the log keeps it (a day), and otherwise starts with a
/// `reset` followed by every revocation that can still matter (`StreamStart`); a `ready` event says the backlog was
/// sent and what follows is live. Events come from the database's event
/// log through this instance's `RevocationFeed`, so every instance serves every instance's revocations. For the same
/// configured clients as introspection (`ServiceClientGate`).
struct RevocationController: Sendable {
    let gate: ServiceClientGate
    let events: any EventRepository
    let feed: RevocationFeed
    /// How far back a reset replays: a token's lifetime and a margin for the services' clock leeway.
    let replayWindow: TimeInterval
    let now: WallClock

    private static let encoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("revocations", use: stream)
    }

    @Sendable func stream(_ request: Request, context: AppRequestContext) async throws -> Response {
        try gate.admit(request, context: context)
        let lastEventID = request.headers[.lastEventID].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
        guard let subscription = try await feed.subscribe() else {
            throw AppError(.serviceUnavailable, "This instance serves as many revocation streams as it can; connect to another.")
                .retrying(after: 5)
        }
        let replaySince = now().addingTimeInterval(-replayWindow)
        let start: StreamStart
        do {
            start = try await self.start(after: lastEventID, replaySince: replaySince)
        } catch {
            feed.unsubscribe(subscription.id)
            throw error
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        // nginx and some proxies buffer responses unless told not to.
        headers[.accelBuffering] = "no"
        let stream = Stream(events: events, feed: feed, subscription: subscription, start: start, replaySince: replaySince, logger: context.logger)
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in await stream.pump(into: &writer) })
    }

    private func start(after lastEventID: Int64?, replaySince: Date) async throws -> StreamStart {
        var kept = false
        if let lastEventID { kept = try await events.contains(id: lastEventID) }
        return StreamStart.decide(
            lastEventID: lastEventID, kept: kept, latestID: try await events.latestID(),
            replayAfter: try await events.startOfReplay(since: replaySince))
    }

    /// One subscriber's stream, from its start to the moment its client leaves or the instance drains.
    private struct Stream: Sendable {
        let events: any EventRepository
        let feed: RevocationFeed
        let subscription: RevocationFeed.Subscription
        let start: StreamStart
        let replaySince: Date
        let logger: Logger

        func pump(into writer: inout any ResponseBodyWriter) async {
            do {
                var text = "retry: 1000\n\n"
                if case .reset = start {
                    text += RevocationController.frame(
                        event: "reset", id: nil, data: RevocationReset(replaySinceMilliseconds: replaySince.milliseconds))
                }
                try await writer.write(ByteBuffer(string: text))
                var last = start.after
                // What the log holds past the resume point, then what the feed hands on (from before this read began,
                // so some arrive twice: those at or below `last` are skipped).
                while true {
                    let page = try await events.events(after: last, limit: EventPage.size)
                    if let id = try await RevocationController.write(page, after: last, to: &writer) { last = id }
                    if page.count < EventPage.size { break }
                }
                // Caught up: from here on the subscriber's list is as current as the log.
                try await writer.write(ByteBuffer(string: "event: ready\ndata: {}\n\n"))
                // The server's own graceful shutdown (the request runs within it) ends the stream too, so a server
                // stopped without the drain gate is not held until the next keepalive finds the client gone.
                try await withGracefulShutdownHandler {
                    for await batch in subscription.batches {
                        if batch.isEmpty {
                            try await writer.write(ByteBuffer(string: ": keepalive\n\n"))
                        } else if let id = try await RevocationController.write(batch, after: last, to: &writer) {
                            last = id
                        }
                    }
                } onGracefulShutdown: { [feed, subscription] in
                    feed.end(subscription.id)
                }
            } catch {
                // The client left, or the log could not be read: the stream ends and the client resumes elsewhere.
                logger.debug("revocation stream ended", metadata: ["error": "\(error)"])
            }
            feed.unsubscribe(subscription.id)
            try? await writer.finish(nil)
        }
    }

    /// Writes the revocations past `after` as one chunk; returns the last id read (the log's other events, for webhooks,
    /// are passed over), nil when there was none.
    fileprivate static func write(_ page: [AuthEvent], after: Int64, to writer: inout any ResponseBodyWriter) async throws -> Int64? {
        let fresh = page.filter { $0.id > after }
        guard let last = fresh.last?.id else { return nil }
        var text = ""
        for event in fresh where event.kind.revokes {
            let body = RevocationEvent(
                id: event.id, type: event.kind.rawValue, userID: event.userID, sessionID: event.sessionID, market: event.market,
                atMilliseconds: event.at.milliseconds)
            text += frame(event: body.type, id: body.id, data: body)
        }
        if !text.isEmpty { try await writer.write(ByteBuffer(string: text)) }
        return last
    }

    /// One SSE event: its id, name and JSON data (one line: JSON encodes newlines inside strings).
    fileprivate static func frame(event: String, id: Int64?, data: some Encodable) -> String {
        let json = (try? encoder.encode(data)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return (id.map { "id: \($0)\n" } ?? "") + "event: \(event)\ndata: \(json)\n\n"
    }
}

extension HTTPField.Name {
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
