import Foundation
import Logging
import ServiceLifecycle

/// Delivers the event log to the configured endpoints: at least once, one event at a time per endpoint and in the
/// log's order, across restarts and across a fleet. Every `interval` it takes (leases) the endpoints that have events
/// past their cursor and no retry wait pending, so each is served by one instance at a time; for each it sends the
/// wanted events in order, moving the cursor only once the endpoint answered 2xx, so a restart resends rather than
/// loses. A failure holds the endpoint's later events back until the retry succeeds or, after `policy.retryFor`, the
/// event goes to the dead letters and the endpoint moves on. Dead letters an operator asks for are sent again.
/// Signed with the real time (`signingClock`): receivers check `webhook-timestamp` against their own clocks.
package final class WebhookDispatcher: Service, Sendable {
    private let webhooks: any WebhookRepository
    private let events: any EventRepository
    private let users: any UserRepository
    private let transport: any WebhookTransport
    private let policy: WebhookRetryPolicy
    private let metrics: ServerMetrics
    private let now: WallClock
    private let signingClock: WallClock
    private let interval: Duration
    private let logger: Logger
    /// This instance's name on the leases it takes.
    private let owner = UUID().uuidString
    private static let lease: TimeInterval = 60
    /// How long one endpoint is drained per lease before the lease is given back (and taken again).
    private static let drainFor: Duration = .seconds(20)

    package init(
        webhooks: any WebhookRepository, events: any EventRepository, users: any UserRepository, transport: any WebhookTransport,
        policy: WebhookRetryPolicy, metrics: ServerMetrics, now: @escaping WallClock, signingClock: @escaping WallClock = { Date() },
        interval: Duration = .seconds(1), logger: Logger
    ) {
        (self.webhooks, self.events, self.users, self.transport, self.policy) = (webhooks, events, users, transport, policy)
        (self.metrics, self.now, self.signingClock, self.interval, self.logger) = (metrics, now, signingClock, interval, logger)
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await self.pass()
                try? await Task.sleep(for: self.interval)
            }
        }
    }

    /// One round: every endpoint due, then the dead letters asked for again.
    package func pass() async {
        do {
            let due = try await webhooks.lease(owner: owner, until: now().addingTimeInterval(Self.lease), now: now(), limit: 16)
            await withTaskGroup(of: Void.self) { group in
                for endpoint in due { group.addTask { await self.drain(endpoint) } }
            }
            for letter in try await webhooks.retriesDue(limit: 16) { await redeliver(letter) }
        } catch is CancellationError {
            // Shutting down: nothing failed.
        } catch {
            logger.warning("webhooks: a pass failed; the next one retries", metadata: ["error": "\(error)"])
        }
    }

    private func drain(_ leased: WebhookEndpoint) async {
        var endpoint = leased
        let started = ContinuousClock.now
        do {
            while ContinuousClock.now - started < Self.drainFor, !Task.isCancelled {
                let page = try await events.events(after: endpoint.cursor, limit: EventPage.size)
                guard let last = page.last?.id else { break }
                guard let event = page.first(where: { endpoint.wants($0.kind.rawValue) }) else {
                    try await webhooks.advance(id: endpoint.id, owner: owner, to: last)  // nothing it wants: passed over
                    endpoint.cursor = last
                    continue
                }
                guard try await deliver(event, to: endpoint) else { return }  // the failure was recorded; the lease ended
                endpoint.cursor = event.id
                endpoint.attempts = 0
                endpoint.failingSince = nil
            }
            try await webhooks.release(id: endpoint.id, owner: owner)
        } catch {
            logger.warning("webhooks: delivering failed", metadata: ["endpoint": "\(endpoint.id)", "error": "\(error)"])
            try? await webhooks.release(id: endpoint.id, owner: owner)
        }
    }

    /// Sends `event`; true once delivered (the cursor moved), false once the failure is recorded.
    private func deliver(_ event: AuthEvent, to endpoint: WebhookEndpoint) async throws -> Bool {
        let message = try await message(for: event, to: endpoint)
        if let problem = await send(message, to: endpoint) {
            let at = now()
            let attempts = endpoint.attempts + 1
            switch policy.afterFailure(attempts: attempts, failingSince: endpoint.failingSince ?? at, now: at) {
            case .retry(let next):
                metrics.webhookDelivery(.failed)
                try await webhooks.recordFailure(id: endpoint.id, owner: owner, error: problem, nextAttemptAt: next, now: at)
                return false
            case .deadLetter:
                metrics.webhookDelivery(.deadLettered)
                logger.warning(
                    "webhooks: an event went to the dead letters",
                    metadata: ["endpoint": "\(endpoint.id)", "event": "\(event.id)", "type": "\(message.type)", "error": "\(problem)"])
                try await webhooks.deadLetter(id: endpoint.id, owner: owner, event: event, body: message.body, error: problem, now: at)
                return true
            }
        }
        metrics.webhookDelivery(.delivered)
        try await webhooks.advance(id: endpoint.id, owner: owner, to: event.id)
        return true
    }

    private func message(for event: AuthEvent, to endpoint: WebhookEndpoint) async throws -> WebhookMessage {
        // The user's market (an event may not carry it) and, for an endpoint that asked, their number, as they are now.
        var user: User?
        if event.kind != .userDeleted, let id = event.userID { user = try await users.find(id: id) }
        let current = user.flatMap { $0.deletedAt == nil && $0.detachedAt == nil ? $0.phoneNumber : nil }
        return WebhookMessage(event, market: user?.market, phone: endpoint.includePhone ? current : nil)
    }

    /// nil once the endpoint answered 2xx; otherwise what went wrong.
    private func send(_ message: WebhookMessage, to endpoint: WebhookEndpoint) async -> String? {
        let body = Array(message.body.utf8)
        let signature = WebhookSignature(
            id: message.id, timestamp: Int(signingClock().timeIntervalSince1970), body: body, secrets: endpoint.signingSecrets(at: now()))
        let headers = [(name: "Content-Type", value: "application/json")] + signature.headers
        do {
            let status = try await transport.post(url: endpoint.url, headers: headers, body: body)
            return (200..<300).contains(status) ? nil : "answered \(status)"
        } catch {
            return "no answer: \(error)"
        }
    }

    private func redeliver(_ letter: WebhookDeadLetter) async {
        do {
            guard let endpoint = try await webhooks.find(id: letter.endpointID) else { return }
            let message = WebhookMessage(id: "evt_\(letter.eventID)", type: letter.type, body: letter.body)
            let problem = await send(message, to: endpoint)
            metrics.webhookDelivery(problem == nil ? .redelivered : .failed)
            try await webhooks.finishRetry(id: letter.id, delivered: problem == nil, error: problem, now: now())
        } catch {
            logger.warning("webhooks: a dead letter's retry failed", metadata: ["dead_letter": "\(letter.id)", "error": "\(error)"])
        }
    }
}
