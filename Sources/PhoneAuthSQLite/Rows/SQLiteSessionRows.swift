import Foundation
import GRDB
import PhoneAuthCore

/// Row-level statements on `user_sessions` that sign-in, logout and bans compose into their own transactions.
enum SQLiteSessionRows {
    static func open(_ db: Database, _ session: NewSession, userID: Int64, now: Date) throws {
        try UserSession(opening: session, userID: userID, now: now).insert(db)
    }

    /// Ends the user's active sessions: all of them, all but `except`, or `only` one; each ending is an event.
    @discardableResult
    static func revokeAll(_ db: Database, userID: Int64, except: String? = nil, only: String? = nil, now: Date) throws -> Int {
        var sessions = UserSession.filter(UserSession.Columns.userID == userID && UserSession.Columns.isActive == true)
        if let except { sessions = sessions.filter(UserSession.Columns.id != except) }
        if let only { sessions = sessions.filter(UserSession.Columns.id == only) }
        let ended = try sessions.select(UserSession.Columns.id, as: String.self).fetchAll(db)
        _ = try sessions.updateAll(db, UserSession.Columns.isActive.set(to: false), UserSession.Columns.revokedAt.set(to: now))
        for id in ended { try SQLiteEventRows.append(db, .sessionEnded(id, userID: userID, at: now)) }
        return ended.count
    }
}
