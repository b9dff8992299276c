import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteEventRepository: EventRepository {
    let database: SQLiteDatabase

    func events(after id: Int64, limit: Int) async throws -> [AuthEvent] {
        try await database.writer.read { db in
            try Row.fetchAll(db.prepared("SELECT * FROM auth_events WHERE id > ? ORDER BY id LIMIT ?"), arguments: [id, limit])
                .compactMap(SQLiteEventRows.event)
        }
    }

    func contains(id: Int64) async throws -> Bool {
        try await database.writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM auth_events WHERE id = ?)", arguments: [id]) ?? false
        }
    }

    func latestID() async throws -> Int64 {
        try await database.writer.read { db in try Int64.fetchOne(db, sql: "SELECT max(id) FROM auth_events") ?? 0 }
    }

    func startOfReplay(since instant: Date) async throws -> Int64 {
        try await database.writer.read { db in
            let first = try Int64.fetchOne(db, sql: "SELECT min(id) FROM auth_events WHERE occurred_at >= ?", arguments: [instant])
            if let first { return first - 1 }
            return try Int64.fetchOne(db, sql: "SELECT max(id) FROM auth_events") ?? 0
        }
    }
}
