import Foundation
import PhoneAuthCore
import PostgresNIO

/// Every SQL statement about `idempotency_keys` on PostgreSQL: the claim is one `INSERT … ON CONFLICT DO NOTHING`,
/// so of concurrent claims on any instances exactly one wins.
struct PostgresIdempotencyRepository: IdempotencyRepository {
    let database: PostgresDatabase

    func claim(key: String, phone: String, expiresAt: Date, now: Date) async throws -> IdempotencyClaim {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute("DELETE FROM idempotency_keys WHERE key = \(key) AND expires_at <= \(now)")
            let inserted = try await sql.row(
                """
                INSERT INTO idempotency_keys (key, phone_number, status, expires_at) VALUES (\(key), \(phone), 0, \(expiresAt))
                ON CONFLICT (key) DO NOTHING RETURNING key
                """)
            if inserted != nil { return .claimed }
            guard let row = try await sql.row("SELECT phone_number, status, body FROM idempotency_keys WHERE key = \(key)") else {
                return .inProgress  // released between the two statements: the other request failed and a retry may come
            }
            guard try row["phone_number"].decode(String.self) == phone else { return .mismatch }
            let status = try row["status"].decode(Int.self)
            return status == 0 ? .inProgress : .replay(status: status, body: try row["body"].decode(ByteBuffer?.self)?.data ?? Data())
        }
    }

    func complete(key: String, status: Int, body: Data) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute("UPDATE idempotency_keys SET status = \(status), body = \(body.bytea) WHERE key = \(key)")
        }
    }

    func release(key: String) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute("DELETE FROM idempotency_keys WHERE key = \(key) AND status = 0")
        }
    }
}
