import Foundation

/// Whether a new send may switch channel at once: when the phone's latest send, still inside the cooldown, is known to
/// have failed, or was not reported delivered within `deliveryTimeout`, the person has no code, so the next channel
/// is offered without waiting (and a send that names no channel goes by it). A resend by the same channel, or any send
/// while the latest is delivered or still within its time, waits for the usual cooldown.
package struct ChannelFallback: Sendable, Equatable {
    package var cooldown: Duration
    package var deliveryTimeout: Duration

    package init(cooldown: Duration, deliveryTimeout: Duration) {
        (self.cooldown, self.deliveryTimeout) = (cooldown, deliveryTimeout)
    }

    /// The latest send has left the person without a code (and the cooldown is still running).
    package func isStuck(_ latest: DeliveryRecord?, now: Date) -> Bool {
        guard let latest, now.timeIntervalSince(latest.sentAt) < cooldown.seconds else { return false }
        return latest.state.isFailure || (latest.state == .sent && now.timeIntervalSince(latest.sentAt) >= deliveryTimeout.seconds)
    }

    /// Whether a send by `channel` skips the cooldown.
    package func waivesCooldown(for channel: DeliveryChannel, latest: DeliveryRecord?, now: Date) -> Bool {
        isStuck(latest, now: now) && latest?.channel != channel
    }

    /// Seconds until a send by `channel` would skip the cooldown, while the latest send (by another channel) is still
    /// within its delivery time with no receipt; nil when waiting will not help (same channel, or already delivered).
    package func secondsUntilSwitch(to channel: DeliveryChannel, latest: DeliveryRecord?, now: Date) -> Int? {
        guard let latest, latest.channel != channel, latest.state == .sent else { return nil }
        return max(1, Int((deliveryTimeout.seconds - now.timeIntervalSince(latest.sentAt)).rounded(.up)))
    }

    /// The channel a send that names none goes by: after a stuck send, the market's next channel after the stuck one's.
    package func defaultChannel(_ offered: [DeliveryChannel], latest: DeliveryRecord?, now: Date) -> DeliveryChannel {
        guard isStuck(latest, now: now), let latest, let index = offered.firstIndex(of: latest.channel) else { return offered[0] }
        return offered[(index + 1)...].first ?? offered.first { $0 != latest.channel } ?? offered[0]
    }

    /// The channels an unnamed send tries, in turn: `chosen` and the market's ones after it, then those before it,
    /// leaving out the channel of a stuck latest send (its own cooldown still runs).
    package func order(_ offered: [DeliveryChannel], from chosen: DeliveryChannel, latest: DeliveryRecord?, now: Date) -> [DeliveryChannel] {
        let start = offered.firstIndex(of: chosen) ?? 0
        let stuck = isStuck(latest, now: now) ? latest?.channel : nil
        return Array(offered[start...] + offered[..<start]).filter { $0 == chosen || $0 != stuck }
    }

    /// Seconds before each channel may be asked for, just after a send by `used` at `now`.
    package func availability(_ offered: [DeliveryChannel], used: DeliveryChannel) -> [(DeliveryChannel, Int)] {
        let cooldownSeconds = Int(cooldown.seconds.rounded(.up))
        let switchSeconds = min(cooldownSeconds, Int(deliveryTimeout.seconds.rounded(.up)))
        return offered.filter { $0 != used }.map { ($0, switchSeconds) }
    }
}
