import Foundation

/// What the console's overview counts, per market and five-minute bucket.
package enum ActivityEvent: Hashable, Sendable {
    /// A text with a code went out (test numbers send none).
    case sent
    /// A texted code was entered correctly.
    case verified
    /// A session was opened by a verified code (test numbers included) or by the network's word.
    case signIn
    /// A session was opened by the operator network's Number Verification: a text not sent.
    case networkVerified
    /// send-code answered with a challenge instead of a text.
    case challenged
    /// send-code refused, by the limit's error code (`phone_rate_limited`, `range_blocked`, …).
    case refused(String)

    package var name: String {
        switch self {
        case .sent: "sent"
        case .verified: "verified"
        case .signIn: "sign_in"
        case .networkVerified: "network_verified"
        case .challenged: "challenged"
        case .refused(let limit): "refused:" + limit
        }
    }

    package init?(name: String) {
        switch name {
        case "sent": self = .sent
        case "verified": self = .verified
        case "sign_in": self = .signIn
        case "network_verified": self = .networkVerified
        case "challenged": self = .challenged
        default:
            guard name.hasPrefix("refused:") else { return nil }
            self = .refused(String(name.dropFirst("refused:".count)))
        }
    }
}

/// One counter: `count` events of one kind in one market in the five minutes from `bucket`.
package struct ActivityCount: Hashable, Sendable {
    package struct Key: Hashable, Sendable {
        /// Seconds since 1970 at the start of the bucket (a multiple of `ActivityCount.bucketSeconds`).
        package var bucket: Int64
        package var market: String
        package var event: ActivityEvent

        package init(bucket: Int64, market: String, event: ActivityEvent) {
            self.bucket = bucket
            self.market = market
            self.event = event
        }
    }

    package static let bucketSeconds: Int64 = 300

    package var key: Key
    package var count: Int

    package init(key: Key, count: Int) {
        self.key = key
        self.count = count
    }

    package static func bucket(of instant: Date) -> Int64 {
        let seconds = Int64(instant.timeIntervalSince1970.rounded(.down))
        return seconds - ((seconds % bucketSeconds) + bucketSeconds) % bucketSeconds
    }
}
