import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteActivityRepository: ActivityRepository {
    let database: SQLiteDatabase

    func add(_ counts: [ActivityCount.Key: Int]) async throws {
        guard !counts.isEmpty else { return }
        try await database.writer.write { db in
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO activity_counts (bucket, market, event, count) VALUES (?, ?, ?, ?)
                    ON CONFLICT (bucket, market, event) DO UPDATE SET count = count + excluded.count
                    """)
            for (key, count) in counts {
                try statement.execute(arguments: [key.bucket, key.market, key.event.name, count])
            }
        }
    }

    func counts(since: Date) async throws -> [ActivityCount] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT bucket, market, event, count FROM activity_counts WHERE bucket >= ?",
                arguments: [ActivityCount.bucket(of: since)]
            ).compactMap { row in
                guard let event = ActivityEvent(name: row["event"]) else { return nil }
                return ActivityCount(key: .init(bucket: row["bucket"], market: row["market"], event: event), count: row["count"])
            }
        }
    }
}
