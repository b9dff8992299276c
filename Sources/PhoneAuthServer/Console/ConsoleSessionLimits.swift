import Foundation
import PhoneAuthCore

/// How long a console sign-in lasts, stricter than an app's session: an operator's browser left open is a standing
/// invitation. The session ends after `idle` without a page, and `absolute` after sign-in whatever happens.
struct ConsoleSessionLimits: Sendable, Equatable {
    var idle: Duration = .seconds(12 * 3_600)
    var absolute: Duration = .days(7)

    enum End: String, Sendable, Equatable {
        case idle, absolute
    }

    /// Why `session` may no longer open console pages at `now`, if it may not.
    func end(of session: UserSession, at now: Date) -> End? {
        if now.timeIntervalSince(session.createdAt) >= absolute.seconds { return .absolute }
        if now.timeIntervalSince(session.lastActivityAt) >= idle.seconds { return .idle }
        return nil
    }
}
