import Foundation

/// Reads the event log (`auth_events`). Events are written by the repositories whose changes they announce, in the
/// same transaction; this only reads them, and housekeeping prunes them.
package protocol EventRepository: Sendable {
    /// Up to `limit` events with an id above `id`, in id order.
    func events(after id: Int64, limit: Int) async throws -> [AuthEvent]
    /// Whether the event `id` is still kept (a reconnect naming it resumes exactly after it).
    func contains(id: Int64) async throws -> Bool
    /// The highest id given so far; 0 for an empty log.
    func latestID() async throws -> Int64
    /// The id just before the first event at or after `instant`: where a replay of everything since then starts.
    func startOfReplay(since instant: Date) async throws -> Int64
}

/// How many events one read of the log returns at most.
package enum EventPage {
    package static let size = 500
}
