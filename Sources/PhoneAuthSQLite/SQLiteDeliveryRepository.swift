import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteDeliveryRepository: DeliveryRepository {
    let database: SQLiteDatabase

    func record(_ record: DeliveryRecord, phone: String, messageID: String?) async throws {
        try await database.writer.write { db in
            try db.prepared(
                """
                INSERT INTO deliveries (phone_number, market, channel, provider, message_id, state, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (provider, message_id) DO NOTHING
                """
            ).execute(
                arguments: [phone, record.market, record.channel.rawValue, record.provider, messageID, record.state.rawValue, record.sentAt])
        }
    }

    func latest(phone: String) async throws -> DeliveryRecord? {
        try await database.writer.read { db in
            try Row.fetchOne(
                db.prepared("SELECT * FROM deliveries WHERE phone_number = ? ORDER BY sent_at DESC, id DESC LIMIT 1"), arguments: [phone]
            )
            .flatMap(Self.record)
        }
    }

    func apply(_ receipt: Receipt) async throws -> ReceiptOutcome {
        try await database.writer.write { db in
            guard
                let row = try Row.fetchOne(
                    db.prepared("SELECT * FROM deliveries WHERE provider = ? AND message_id = ?"), arguments: [receipt.provider, receipt.messageID]),
                let record = Self.record(row)
            else { return .unknown }
            guard let state = record.state.advanced(to: receipt.state) else { return .unchanged }
            let next = record.applying(receipt, state: state)
            try db.prepared("UPDATE deliveries SET state = ?, delivered_at = ?, failed_at = ?, error_code = ? WHERE id = ?").execute(
                arguments: [next.state.rawValue, next.deliveredAt, next.failedAt, next.errorCode, row["id"] as Int64])
            return .advanced(next, from: record.state)
        }
    }

    func sendTimes(phone: String, channel: DeliveryChannel, since: Date, limit: Int) async throws -> [Date] {
        try await database.writer.read { db in
            try Date.fetchAll(
                db.prepared("SELECT sent_at FROM deliveries WHERE phone_number = ? AND channel = ? AND sent_at > ? ORDER BY sent_at DESC LIMIT ?"),
                arguments: [phone, channel.rawValue, since, limit])
        }
    }

    func claimBudget(channel: DeliveryChannel, _ claims: [BudgetRing.Claim], now: Date) async throws -> Int? {
        guard !claims.isEmpty else { return nil }
        return try await database.writer.write { db in
            let pool = SQLiteBudgetRows.Pool.channel(channel.rawValue)
            let rings = try claims.map { try SQLiteBudgetRows.ring(db, pool: pool, window: TimeInterval($0.window)) }
            if let wait = zip(claims, rings).compactMap({ $0.retryAfter(in: $1, now: now) }).max() { return wait }
            let read = Dictionary(uniqueKeysWithValues: zip(claims.map { TimeInterval($0.window) }, rings))
            try SQLiteBudgetRows.count(db, pool: pool, windows: Array(read.keys), at: [now], read: read)
            return nil
        }
    }

    func stats(since: Date) async throws -> [DeliveryStats] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db.prepared(
                    """
                    SELECT channel, market, COUNT(*) AS sent, COUNT(delivered_at) AS delivered, COUNT(failed_at) AS failed,
                    COUNT(verified_at) AS verified, COALESCE(SUM((julianday(delivered_at) - julianday(sent_at)) * 86400.0), 0) AS seconds
                    FROM deliveries WHERE sent_at >= ? GROUP BY channel, market ORDER BY market, channel
                    """), arguments: [since]
            ).compactMap { row in
                DeliveryChannel(rawValue: row["channel"]).map {
                    DeliveryStats(
                        channel: $0, market: row["market"], sent: row["sent"], delivered: row["delivered"], failed: row["failed"],
                        verified: row["verified"], deliverySeconds: row["seconds"])
                }
            }
        }
    }

    static func record(_ row: Row) -> DeliveryRecord? {
        guard let channel = DeliveryChannel(rawValue: row["channel"]), let state = DeliveryState(rawValue: row["state"]) else { return nil }
        return DeliveryRecord(
            channel: channel, market: row["market"], provider: row["provider"], state: state, sentAt: row["sent_at"],
            deliveredAt: row["delivered_at"],
            failedAt: row["failed_at"], errorCode: row["error_code"])
    }
}
