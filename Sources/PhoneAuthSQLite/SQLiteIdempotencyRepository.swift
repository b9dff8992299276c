import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteIdempotencyRepository: IdempotencyRepository {
    let database: SQLiteDatabase

    func claim(key: String, phone: String, expiresAt: Date, now: Date) async throws -> IdempotencyClaim {
        try await database.writer.write { db in
            try db.run("DELETE FROM idempotency_keys WHERE expires_at <= ?", [now])
            if let row = try Row.fetchOne(db.prepared("SELECT phone_number, status, body FROM idempotency_keys WHERE key = ?"), arguments: [key]) {
                guard row["phone_number"] as String == phone else { return .mismatch }
                let status: Int = row["status"]
                return status == 0 ? .inProgress : .replay(status: status, body: row["body"] ?? Data())
            }
            try db.run(
                "INSERT INTO idempotency_keys (key, phone_number, status, expires_at) VALUES (?, ?, 0, ?)",
                [key, phone, expiresAt]
            )
            return .claimed
        }
    }

    func complete(key: String, status: Int, body: Data) async throws {
        try await database.writer.write { db in
            try db.run("UPDATE idempotency_keys SET status = ?, body = ? WHERE key = ?", [status, body, key])
        }
    }

    func release(key: String) async throws {
        try await database.writer.write { db in
            try db.run("DELETE FROM idempotency_keys WHERE key = ? AND status = 0", [key])
        }
    }
}
