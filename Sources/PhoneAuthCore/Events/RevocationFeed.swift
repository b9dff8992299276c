import Foundation
import Logging
import ServiceLifecycle

/// One reader of the event log per instance, however many revocation streams it serves: every `tick` it asks the
/// `EventSignal` whether anything was written (and reads anyway every `fallback`, in case a signal missed one), reads
/// the new events once and hands them to every subscriber. Idle (no subscriber) it reads nothing. A subscriber that
/// falls `buffer` batches behind is dropped (its client reconnects and resumes from the log), so a stalled client
/// cannot make the instance hold events without bound. Every `keepalive` each subscriber gets an empty batch, which
/// its stream turns into a comment line so proxies and clients can tell a quiet stream from a dead one. Once the
/// instance starts draining (`Readiness`) every stream ends and new ones are refused, so its clients reconnect to
/// another instance and the server's drain is not held by streams that never end on their own.
package final class RevocationFeed: Service, Sendable {
    package struct Subscription: Sendable {
        package let id: Int
        package let batches: AsyncStream<[AuthEvent]>
    }

    private struct State {
        var subscribers: [Int: AsyncStream<[AuthEvent]>.Continuation] = [:]
        var nextID = 0
        /// The last event handed on; nil while nobody listens.
        var cursor: Int64?
        var closed = false
    }

    private let events: any EventRepository
    private let signal: any EventSignal
    private let tick: Duration
    private let fallback: Duration
    private let keepalive: Duration
    private let buffer: Int
    package let maxSubscribers: Int
    private let logger: Logger
    private let readiness: Readiness
    private let state = Locked(State())

    package init(
        events: any EventRepository, signal: any EventSignal, tick: Duration = .milliseconds(100), fallback: Duration = .seconds(1),
        keepalive: Duration = .seconds(5), buffer: Int = 64, maxSubscribers: Int = 256, readiness: Readiness, logger: Logger
    ) {
        self.readiness = readiness
        (self.events, self.signal, self.tick, self.fallback, self.keepalive) = (events, signal, tick, fallback, keepalive)
        (self.buffer, self.maxSubscribers, self.logger) = (buffer, maxSubscribers, logger)
    }

    package var subscriberCount: Int { state.withLock { $0.subscribers.count } }

    /// A new subscriber, handed every event committed after this call returns; nil when the instance serves
    /// `maxSubscribers` already or is shutting down.
    package func subscribe() async throws -> Subscription? {
        let (stream, continuation) = AsyncStream.makeStream(of: [AuthEvent].self, bufferingPolicy: .bufferingOldest(buffer))
        while true {
            // Where the feed stands must be known before the subscriber counts: its own read of the log, made after
            // this, then reaches at least that far, so between the two nothing falls through.
            let latest = state.withLock { $0.cursor } == nil ? try await events.latestID() : nil
            let added: Int?? = state.withLock { state in
                guard !state.closed, !readiness.isDraining, state.subscribers.count < maxSubscribers else { return .some(nil) }
                if state.cursor == nil {
                    guard let latest else { return nil }  // the last subscriber left meanwhile: read it afresh
                    state.cursor = latest
                }
                state.nextID += 1
                state.subscribers[state.nextID] = continuation
                return state.nextID
            }
            guard let added else { continue }
            guard let id = added else {
                continuation.finish()
                return nil
            }
            return Subscription(id: id, batches: stream)
        }
    }

    /// Ends `id`'s batches now (its stream then ends); nothing when it left already.
    package func end(_ id: Int) {
        let continuation = state.withLock { state in
            defer { if state.subscribers.isEmpty { state.cursor = nil } }
            return state.subscribers.removeValue(forKey: id)
        }
        continuation?.finish()
    }

    /// Stops handing batches to `id` (its stream ended); nothing when it left already.
    package func unsubscribe(_ id: Int) {
        state.withLock { state in
            state.subscribers[id] = nil
            if state.subscribers.isEmpty { state.cursor = nil }
        }
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown { await self.loop() }
        close()
    }

    private func close() {
        let ending = state.withLock { state in
            state.closed = true
            defer { state.subscribers.removeAll() }
            return Array(state.subscribers.values)
        }
        for continuation in ending { continuation.finish() }
    }

    private func loop() async {
        let clock = ContinuousClock()
        var (lastRead, lastKeepalive) = (clock.now, clock.now)
        while !Task.isCancelled {
            try? await Task.sleep(for: tick)
            // Closed, but running on: a service that returns early would stop the whole server.
            if readiness.isDraining {
                close()
                continue
            }
            let changed = signal.mayHaveChanged()
            guard let cursor = state.withLock({ $0.cursor }) else { continue }
            if changed || clock.now - lastRead >= fallback {
                lastRead = clock.now
                await readAndHandOn(after: cursor)
            }
            if clock.now - lastKeepalive >= keepalive {
                lastKeepalive = clock.now
                broadcast([], from: nil, to: nil)
            }
        }
    }

    private func readAndHandOn(after cursor: Int64) async {
        var cursor = cursor
        while true {
            let page: [AuthEvent]
            do { page = try await events.events(after: cursor, limit: EventPage.size) } catch {
                logger.warning("revocation feed: reading the event log failed; trying again", metadata: ["error": "\(error)"])
                return
            }
            guard let last = page.last?.id else { return }
            guard broadcast(page, from: cursor, to: last) else { return }
            cursor = last
            if page.count < EventPage.size { return }
        }
    }

    /// Hands `page` to every subscriber and moves the cursor from `from` to `to`, unless the cursor moved meanwhile
    /// (everyone left and someone came back): then nothing is sent and false returned.
    @discardableResult
    private func broadcast(_ page: [AuthEvent], from: Int64?, to: Int64?) -> Bool {
        let overflowed: [AsyncStream<[AuthEvent]>.Continuation]? = state.withLock { state in
            if let from {
                guard state.cursor == from else { return nil }
                state.cursor = to
            }
            var dropped: [AsyncStream<[AuthEvent]>.Continuation] = []
            for (id, continuation) in state.subscribers {
                if case .dropped = continuation.yield(page) {
                    state.subscribers[id] = nil
                    dropped.append(continuation)
                }
            }
            return dropped
        }
        guard let overflowed else { return false }
        if !overflowed.isEmpty {
            logger.notice("revocation feed: dropped \(overflowed.count) subscriber(s) too far behind; they resume on reconnect")
        }
        for continuation in overflowed { continuation.finish() }
        return true
    }
}
