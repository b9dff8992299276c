import Synchronization

/// Whether the event log may have grown since it was last asked: cheap enough to ask ten times a second, so the
/// revocation feed reads the log only when something was written. SQLite answers from `PRAGMA data_version` (any
/// process's commit), PostgreSQL from a `ChangeBell` its writes and its NOTIFY listener ring.
package protocol EventSignal: Sendable {
    func mayHaveChanged() -> Bool
}

/// Rung by every committed write this instance makes or hears of; `mayHaveChanged` says whether it rang since the
/// last question.
package final class ChangeBell: EventSignal {
    private let rings = Atomic<UInt64>(0)
    private let seen = Atomic<UInt64>(0)

    package init() {}

    package func ring() { rings.add(1, ordering: .releasing) }

    package func mayHaveChanged() -> Bool {
        let now = rings.load(ordering: .acquiring)
        return seen.exchange(now, ordering: .relaxed) != now
    }
}
