import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthPostgres
@testable import PhoneAuthServer

/// When PostgreSQL's change listener may vouch for the auth-state cache: only while its own heartbeat comes back.
@Suite struct ListenerLivenessTests {
    private let start = ContinuousClock.now
    private func at(_ seconds: Double) -> ContinuousClock.Instant { start.advanced(by: .milliseconds(Int(seconds * 1000))) }

    @Test func itVouchesOnlyFromTheFirstEchoUntilEchoesStopForThreeSeconds() {
        var liveness = ListenerLiveness(staleAfter: .seconds(3))
        #expect(liveness.standing(at: at(0)) == .disconnected)
        liveness.connected(at: at(0))
        #expect(liveness.standing(at: at(0.5)) == .awaitingFirstHeartbeat)
        #expect(liveness.heardEcho(at: at(0.5)) == .firstLive)
        #expect(liveness.standing(at: at(3.4)) == .live)
        #expect(liveness.heardEcho(at: at(1.5)) == .stillLive)
        #expect(liveness.deafness(at: at(4.4)) == nil)
        #expect(liveness.standing(at: at(4.6)) == .heartbeatStopped)
        #expect(liveness.deafness(at: at(4.6)) == .heartbeatStopped)
    }

    @Test func aConnectionThatNeverHearsItsHeartbeatIsCalledDeafAndNamedSo() {
        var liveness = ListenerLiveness(staleAfter: .seconds(3))
        liveness.connected(at: at(0))
        #expect(liveness.deafness(at: at(2.9)) == nil)
        #expect(liveness.deafness(at: at(3)) == .neverHeard)
        liveness.disconnected(because: .neverHeard)
        // Reconnecting does not hide the reason: PgBouncer is still in the way until a heartbeat comes back.
        #expect(liveness.standing(at: at(3.1)) == .neverHeard)
        liveness.connected(at: at(3.2))
        #expect(liveness.standing(at: at(3.3)) == .neverHeard)
        #expect(liveness.standing(at: at(3.3)).explanation?.contains("--database-listen-url") == true)
    }

    @Test func anEchoOnAnEarlierConnectionSaysNothingAboutTheNewOne() {
        var liveness = ListenerLiveness(staleAfter: .seconds(3))
        liveness.connected(at: at(0))
        _ = liveness.heardEcho(at: at(0.1))
        liveness.disconnected(because: .disconnected)
        #expect(liveness.standing(at: at(0.2)) == .disconnected)
        liveness.connected(at: at(0.3))
        #expect(liveness.standing(at: at(0.4)) == .disconnected)
        #expect(liveness.deafness(at: at(3.3)) == .heartbeatStopped)
        // Live again after a time it could not vouch: the cache must be emptied.
        #expect(liveness.heardEcho(at: at(0.5)) == .liveAgain)
        #expect(liveness.standing(at: at(0.6)) == .live)
    }

    @Test func anEchoWithoutAConnectionChangesNothing() {
        var liveness = ListenerLiveness(staleAfter: .seconds(3))
        #expect(liveness.heardEcho(at: at(1)) == .stillLive)
        #expect(liveness.standing(at: at(1)) == .disconnected)
    }
}
