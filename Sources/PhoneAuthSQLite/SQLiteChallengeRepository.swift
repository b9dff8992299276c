import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteChallengeRepository: ChallengeRepository {
    let database: SQLiteDatabase

    func redeem(id: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO challenge_redemptions (id, expires_at) VALUES (?, ?)", arguments: [id, expiresAt])
            return db.changesCount == 1
        }
    }
}
