import Foundation
import GRDB
import PhoneAuthCore

/// Row-level statements on `markets` that the caller-state read composes.
enum SQLiteMarketRows {
    /// The market's own cutoff or the one for every market, whichever is later (a cached statement: the hot path).
    static func marketCutoff(_ db: Database, market: String) throws -> Date? {
        try Date.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(force_logout_after) FROM markets WHERE code IN (?, ?)"),
            arguments: [market, ForceLogoutTarget.everyMarketCode])
    }
}
