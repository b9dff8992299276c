/// How long real sends take lately, so a send that texts nothing (to a disabled user) takes about as long and the
/// API's timing does not reveal a ban.
package final class SendTimingMask: Sendable {
    /// An exponential moving average, in seconds; nil until a real send was timed.
    private let average = Locked<Double?>(nil)
    private static let weight = 0.2
    /// A provider stuck for seconds must not make every masked answer that slow.
    package static let ceiling = 3.0

    package init() {}

    package func record(_ duration: Duration) {
        let seconds = min(duration.seconds, Self.ceiling)
        average.withLock { $0 = $0.map { $0 + Self.weight * (seconds - $0) } ?? seconds }
    }

    /// The average with ±20 % jitter (a fixed delay would itself be a tell).
    package func delay(random: any RandomSource) -> Duration {
        guard let seconds = average.withLock({ $0 }), seconds > 0 else { return .zero }
        let factor = 0.8 + 0.4 * Double(random.uniform(1_001)) / 1_000
        return .milliseconds(Int(seconds * factor * 1_000))
    }
}
