/// Whether the change listener can vouch for the auth-state cache, decided from facts alone (no I/O, a clock reading
/// passed in) so the rule is tested without a database. The listener only vouches while its own heartbeat, sent
/// through the pool, keeps coming back on the LISTEN connection: PostgreSQL delivers notifications in commit order, so
/// an echo of a heartbeat sent at t means every change committed before t has been heard. A connection that is open
/// but hears nothing (a NAT that dropped its state, PgBouncer in transaction pooling) stops vouching after `staleAfter`.
import PhoneAuthCore

struct ListenerLiveness: Sendable {
    /// Why the listener does not vouch, for the warning and `/health/ready`.
    enum Standing: Sendable, Equatable {
        /// Connected, and its heartbeat came back within `staleAfter`.
        case live
        /// No LISTEN connection (starting, or reconnecting after an error).
        case disconnected
        /// Connected, but not one heartbeat has come back in this process's life: notifications never reach it.
        case neverHeard
        /// Connected, heartbeats came back before and then stopped.
        case heartbeatStopped
        /// Connected a moment ago; the first heartbeat is not due back yet.
        case awaitingFirstHeartbeat
    }

    let staleAfter: Duration
    private var connectedAt: ContinuousClock.Instant?
    private var lastEcho: ContinuousClock.Instant?
    private var everHeard = false
    /// Why the last connection was given up, until a heartbeat comes back: a reconnect does not make the listener look
    /// merely "connecting" when it is deaf for a reason that persists (PgBouncer).
    private var trouble: Standing?

    init(staleAfter: Duration) {
        self.staleAfter = staleAfter
    }

    /// A new LISTEN connection: echoes heard on an earlier one say nothing about this one.
    mutating func connected(at now: ContinuousClock.Instant) {
        connectedAt = now
        lastEcho = nil
    }

    /// The connection was given up: it failed (`.disconnected`) or was deaf (`standing` said so).
    mutating func disconnected(because reason: Standing) {
        connectedAt = nil
        lastEcho = nil
        trouble = reason
    }

    /// What an echo of its own heartbeat means.
    enum Echo: Sendable, Equatable {
        /// It was live already.
        case stillLive
        /// Live for the first time in this process: nothing was ever cached, nothing needs emptying.
        case firstLive
        /// Live again after a time it could not vouch: what changed meanwhile is unknown, so the cache is emptied.
        case liveAgain
    }

    /// Its own heartbeat came back on the current connection.
    mutating func heardEcho(at now: ContinuousClock.Instant) -> Echo {
        guard connectedAt != nil else { return .stillLive }
        let wasLive = standing(at: now) == .live
        let heardBefore = everHeard
        lastEcho = now
        everHeard = true
        trouble = nil
        return wasLive ? .stillLive : heardBefore ? .liveAgain : .firstLive
    }

    func standing(at now: ContinuousClock.Instant) -> Standing {
        guard let connectedAt else { return trouble ?? .disconnected }
        if let lastEcho { return now - lastEcho < staleAfter ? .live : .heartbeatStopped }
        if now - connectedAt < staleAfter { return trouble ?? .awaitingFirstHeartbeat }
        return everHeard ? .heartbeatStopped : .neverHeard
    }

    /// Connected but deaf for longer than `staleAfter`: the connection should be given up and made again. Nil while
    /// it is live or may still hear its first heartbeat.
    func deafness(at now: ContinuousClock.Instant) -> Standing? {
        guard let connectedAt else { return nil }
        if let lastEcho { return now - lastEcho < staleAfter ? nil : .heartbeatStopped }
        guard now - connectedAt >= staleAfter else { return nil }
        return everHeard ? .heartbeatStopped : .neverHeard
    }

    /// Seconds since the last echo on this connection, if any.
    func heartbeatAge(at now: ContinuousClock.Instant) -> Double? {
        lastEcho.map { (now - $0).seconds }
    }
}

extension ListenerLiveness.Standing {
    /// The words `/health/ready` and the logs use.
    var label: String {
        switch self {
        case .live: "live"
        case .disconnected: "disconnected"
        case .neverHeard: "no_notifications"
        case .heartbeatStopped: "heartbeat_lost"
        case .awaitingFirstHeartbeat: "connecting"
        }
    }

    /// Why the cache is bypassed, and what to do about it; nil while live.
    var explanation: String? {
        switch self {
        case .live: nil
        case .disconnected: "the change listener has no connection to PostgreSQL; it is reconnecting"
        case .awaitingFirstHeartbeat: "the change listener has connected and waits for its first heartbeat"
        case .neverHeard:
            "the change listener's heartbeat never came back: notifications do not reach its connection. Behind PgBouncer in"
                + " transaction pooling LISTEN cannot work; point --database-listen-url (PHONEAUTH_DATABASE_LISTEN_URL) at"
                + " PostgreSQL itself"
        case .heartbeatStopped:
            "the change listener's heartbeat stopped coming back (a silently dropped connection); it reconnects"
        }
    }
}
