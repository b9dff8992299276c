import Foundation
import PhoneAuthCore
import PostgresNIO

/// Row-level statements on `markets` that the caller-state read composes.
enum PostgresMarketRows {
    /// The market's own cutoff or the one for every market, whichever is later.
    static func marketCutoff(_ sql: PostgresExecutor, market: String) async throws -> Date? {
        try await sql.row(
            "SELECT MAX(force_logout_after) AS cutoff FROM markets WHERE code IN (\(market), \(ForceLogoutTarget.everyMarketCode))"
        )?["cutoff"].decode(Date?.self)
    }
}
