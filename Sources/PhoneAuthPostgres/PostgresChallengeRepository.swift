import Foundation
import PhoneAuthCore
import PostgresNIO

/// One `INSERT … ON CONFLICT DO NOTHING`: of concurrent redemptions on any instances exactly one wins.
struct PostgresChallengeRepository: ChallengeRepository {
    let database: PostgresDatabase

    func redeem(id: String, expiresAt: Date, now: Date) async throws -> Bool {
        try await database.write(affecting: .nobody) { sql in
            try await sql.row(
                "INSERT INTO challenge_redemptions (id, expires_at) VALUES (\(id), \(expiresAt)) ON CONFLICT (id) DO NOTHING RETURNING id") != nil
        }
    }
}
