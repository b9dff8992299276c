import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresEventRepository: EventRepository {
    let database: PostgresDatabase

    func events(after id: Int64, limit: Int) async throws -> [AuthEvent] {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM auth_events WHERE id > \(id) ORDER BY id LIMIT \(limit)").compactMap(PostgresEventRows.event)
        }
    }

    func contains(id: Int64) async throws -> Bool {
        try await database.read { sql in try await sql.row("SELECT 1 FROM auth_events WHERE id = \(id)") != nil }
    }

    func latestID() async throws -> Int64 {
        try await database.read { sql in try await sql.row("SELECT coalesce(max(id), 0) AS id FROM auth_events")?["id"].decode(Int64.self) ?? 0 }
    }

    func startOfReplay(since instant: Date) async throws -> Int64 {
        try await database.read { sql in
            let row = try await sql.row(
                """
                SELECT coalesce((SELECT min(id) - 1 FROM auth_events WHERE occurred_at >= \(instant)), (SELECT max(id) FROM auth_events), 0) AS id
                """)
            return try row?["id"].decode(Int64.self) ?? 0
        }
    }
}
