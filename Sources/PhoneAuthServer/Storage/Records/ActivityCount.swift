import Foundation

/// What the console's overview counts, per market and five-minute bucket.
enum ActivityEvent: Hashable, Sendable {
    /// A text with a code went out (test numbers send none).
    case sent
    /// A texted code was entered correctly.
    case verified
    /// A session was opened by a verified code (test numbers included).
    case signIn
    /// send-code answered with a challenge instead of a text.
    case challenged
    /// send-code refused, by the limit's error code (`phone_rate_limited`, `range_blocked`, …).
    case refused(String)

    var name: String {
        switch self {
        case .sent: "sent"
        case .verified: "verified"
        case .signIn: "sign_in"
        case .challenged: "challenged"
        case .refused(let limit): "refused:" + limit
        }
    }

    init?(name: String) {
        switch name {
        case "sent": self = .sent
        case "verified": self = .verified
        case "sign_in": self = .signIn
        case "challenged": self = .challenged
        default:
            guard name.hasPrefix("refused:") else { return nil }
            self = .refused(String(name.dropFirst("refused:".count)))
        }
    }
}

/// One counter: `count` events of one kind in one market in the five minutes from `bucket`.
struct ActivityCount: Hashable, Sendable {
    struct Key: Hashable, Sendable {
        /// Seconds since 1970 at the start of the bucket (a multiple of `ActivityCount.bucketSeconds`).
        var bucket: Int64
        var market: String
        var event: ActivityEvent
    }

    static let bucketSeconds: Int64 = 300

    var key: Key
    var count: Int

    static func bucket(of instant: Date) -> Int64 {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        return seconds - ((seconds % bucketSeconds) + bucketSeconds) % bucketSeconds
    }
}
