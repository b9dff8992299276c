import Foundation

extension Duration {
    package static func days(_ count: Int) -> Duration { .seconds(count * 86_400) }

    package var seconds: TimeInterval {
        TimeInterval(components.seconds) + TimeInterval(components.attoseconds) / 1e18
    }

    /// Whole milliseconds, rounded down.
    package var milliseconds: Int {
        Int(components.seconds) * 1000 + Int(components.attoseconds / 1_000_000_000_000_000)
    }
}
