import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresActivityRepository: ActivityRepository {
    let database: PostgresDatabase

    func add(_ counts: [ActivityCount.Key: Int]) async throws {
        guard !counts.isEmpty else { return }
        // Sorted, so two instances flushing at once take the rows' locks in the same order.
        let sorted = counts.sorted { ($0.key.bucket, $0.key.market, $0.key.event.name) < ($1.key.bucket, $1.key.market, $1.key.event.name) }
        try await database.write(affecting: .nobody) { sql in
            for (key, count) in sorted {
                try await sql.execute(
                    """
                    INSERT INTO activity_counts (bucket, market, event, count) VALUES (\(key.bucket), \(key.market), \(key.event.name), \(count))
                    ON CONFLICT (bucket, market, event) DO UPDATE SET count = activity_counts.count + excluded.count
                    """)
            }
        }
    }

    func counts(since: Date) async throws -> [ActivityCount] {
        try await database.read { sql in
            try await sql.rows(
                "SELECT bucket, market, event, count FROM activity_counts WHERE bucket >= \(ActivityCount.bucket(of: since))"
            ).compactMap { row in
                guard let event = ActivityEvent(name: try row["event"].decode(String.self)) else { return nil }
                return ActivityCount(
                    key: .init(bucket: try row["bucket"].decode(Int64.self), market: try row["market"].decode(String.self), event: event),
                    count: try row["count"].decode(Int.self))
            }
        }
    }
}
