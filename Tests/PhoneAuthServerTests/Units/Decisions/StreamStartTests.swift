import Testing

@testable import PhoneAuthCore

/// Where a revocation stream starts: exactly after the subscriber's last event when the log still vouches for
/// everything since, and from a reset with the replay window otherwise.
@Suite struct StreamStartTests {
    @Test func resumesOnlyFromAnIdTheLogStillHolds() {
        #expect(StreamStart.decide(lastEventID: 5, kept: true, latestID: 9, replayAfter: 2) == .resume(after: 5))
        #expect(StreamStart.decide(lastEventID: 9, kept: false, latestID: 9, replayAfter: 2) == .resume(after: 9))  // nothing since
        #expect(StreamStart.decide(lastEventID: 5, kept: false, latestID: 9, replayAfter: 2) == .reset(replayAfter: 2))  // pruned
        #expect(StreamStart.decide(lastEventID: 12, kept: false, latestID: 9, replayAfter: 2) == .reset(replayAfter: 2))  // another log
        #expect(StreamStart.decide(lastEventID: nil, kept: false, latestID: 9, replayAfter: 2) == .reset(replayAfter: 2))
        #expect(StreamStart.decide(lastEventID: 0, kept: false, latestID: 0, replayAfter: 0) == .reset(replayAfter: 0))
    }
}
