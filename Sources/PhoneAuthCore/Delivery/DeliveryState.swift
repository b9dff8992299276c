/// Where a message stands, as its provider last said. Receipts arrive late, out of order and more than once, so a
/// state only moves forward: `sent`, then `delivered` or a failure (whichever is heard first), then `read`.
package enum DeliveryState: String, Sendable, CaseIterable, Codable {
    case sent
    case delivered
    case read
    /// The provider gave up (WhatsApp `failed`, a call not answered, an SMS `failed`).
    case failed
    /// The carrier could not hand it over (an SMS `undelivered`, a Telegram message that expired unread).
    case undelivered

    private var rank: Int {
        switch self {
        case .sent: 0
        case .delivered, .failed, .undelivered: 1
        case .read: 2
        }
    }

    /// The state after a receipt saying `reported`, or nil when the receipt changes nothing (a repeat, or older news).
    package func advanced(to reported: DeliveryState) -> DeliveryState? {
        reported.rank > rank ? reported : nil
    }

    /// The code did not arrive: another channel may be tried at once.
    package var isFailure: Bool { self == .failed || self == .undelivered }

    /// The code reached the phone.
    package var isDelivered: Bool { self == .delivered || self == .read }
}
