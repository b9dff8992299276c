import Foundation
import Synchronization

/// Wall time, injected so tests pin it (token expiry, code expiry).
typealias WallClock = @Sendable () -> Date

/// A clock tests can set and move forward.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }

    func set(_ date: Date) {
        current.withLock { $0 = date }
    }

    var wallClock: WallClock { { [self] in now } }
}
