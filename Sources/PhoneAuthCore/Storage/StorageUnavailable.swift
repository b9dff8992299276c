import Foundation

/// The database cannot be used right now (unreachable, restarting, locked past the busy timeout, read-only, full).
/// Answered as 503 `storage_unavailable`: retrying later helps, and nothing was half-written (every change is one
/// transaction). Each backend module reads its own driver's errors (`StorageUnavailable.sqlite(_:)`,
/// `.postgres(_:)`); the server's `StorageFailure` asks both.
package struct StorageUnavailable: Error, CustomStringConvertible {
    package var reason: String

    package init(reason: String) {
        self.reason = reason
    }

    package var description: String { "storage unavailable: \(reason)" }
}
