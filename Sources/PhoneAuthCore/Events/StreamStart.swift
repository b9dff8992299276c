/// Where a revocation stream starts for a subscriber that says it last saw `Last-Event-ID`.
package enum StreamStart: Sendable, Equatable {
    /// Exactly after the event the subscriber saw last: nothing is lost and nothing repeated.
    case resume(after: Int64)
    /// The subscriber forgets what it holds: the events since the replay window began follow, which is every
    /// revocation that can still matter (an older one only refused tokens that have expired since).
    case reset(replayAfter: Int64)

    /// `kept`: whether the log still holds `lastEventID`; `latestID`: the log's highest id; `replayAfter`: the id just
    /// before the replay window.
    package static func decide(lastEventID: Int64?, kept: Bool, latestID: Int64, replayAfter: Int64) -> StreamStart {
        // An id from a log that since lost events (pruned past it) or from another database (above our latest) cannot
        // be resumed from: whatever lay between is unknown.
        if let last = lastEventID, last > 0, last <= latestID, kept || last == latestID { return .resume(after: last) }
        return .reset(replayAfter: replayAfter)
    }

    /// The id the stream continues after.
    package var after: Int64 {
        switch self {
        case .resume(let id), .reset(let id): id
        }
    }
}
