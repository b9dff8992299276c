import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresDeliveryRepository: DeliveryRepository {
    let database: PostgresDatabase

    func record(_ record: DeliveryRecord, phone: String, messageID: String?) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                INSERT INTO deliveries (phone_number, market, channel, provider, message_id, state, sent_at)
                VALUES (\(phone), \(record.market), \(record.channel.rawValue), \(record.provider), \(messageID), \(record.state.rawValue),
                        \(record.sentAt))
                ON CONFLICT (provider, message_id) DO NOTHING
                """)
        }
    }

    func latest(phone: String) async throws -> DeliveryRecord? {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM deliveries WHERE phone_number = \(phone) ORDER BY sent_at DESC, id DESC LIMIT 1").first.flatMap(
                Self.record)
        }
    }

    func apply(_ receipt: Receipt) async throws -> ReceiptOutcome {
        try await database.write(affecting: .nobody) { sql in
            // FOR UPDATE: the same receipt delivered twice at once is applied by one and found unchanged by the other.
            guard
                let row = try await sql.rows(
                    "SELECT * FROM deliveries WHERE provider = \(receipt.provider) AND message_id = \(receipt.messageID) FOR UPDATE"
                ).first,
                let record = try Self.record(row)
            else { return .unknown }
            guard let state = record.state.advanced(to: receipt.state) else { return .unchanged }
            let next = record.applying(receipt, state: state)
            try await sql.execute(
                """
                UPDATE deliveries SET state = \(next.state.rawValue), delivered_at = \(next.deliveredAt), failed_at = \(next.failedAt),
                error_code = \(next.errorCode) WHERE id = \(try row["id"].decode(Int64.self))
                """)
            return .advanced(next, from: record.state)
        }
    }

    func sendTimes(phone: String, channel: DeliveryChannel, since: Date, limit: Int) async throws -> [Date] {
        try await database.read { sql in
            try await sql.rows(
                """
                SELECT sent_at FROM deliveries WHERE phone_number = \(phone) AND channel = \(channel.rawValue) AND sent_at > \(since)
                ORDER BY sent_at DESC LIMIT \(limit)
                """
            ).map { try $0["sent_at"].decode(Date.self) }
        }
    }

    func claimBudget(channel: DeliveryChannel, _ claims: [BudgetRing.Claim], now: Date) async throws -> Int? {
        guard !claims.isEmpty else { return nil }
        let pool = PostgresBudgetRows.Pool.channel(channel.rawValue)
        return try await database.write(affecting: .nobody) { sql in
            var won = try await PostgresBudgetRows.claim(sql, pool: pool, claims)
            if won.count < claims.count {
                // A window with no row yet (the first message by this channel) gets one, and is claimed again.
                let rings = try await PostgresBudgetRows.rings(sql, pool: pool, windows: claims.map(\.window))
                let unclaimed = claims.filter { !won.contains($0.window) }
                if unclaimed.allSatisfy({ $0.retryAfter(in: rings[$0.window] ?? BudgetRing(), now: now) == nil }) {
                    won.formUnion(try await PostgresBudgetRows.claim(sql, pool: pool, unclaimed))
                }
            }
            guard won.count < claims.count else { return nil }
            // Full: nothing is claimed after all, and the caller learns when every budget has room.
            try await PostgresBudgetRows.unclaim(sql, pool: pool, claims.filter { won.contains($0.window) })
            let rings = try await PostgresBudgetRows.rings(sql, pool: pool, windows: [])
            return claims.compactMap { $0.retryAfter(in: rings[$0.window] ?? BudgetRing(), now: now) }.max() ?? 1
        }
    }

    func stats(since: Date) async throws -> [DeliveryStats] {
        try await database.read { sql in
            try await sql.rows(
                """
                SELECT channel, market, count(*) AS sent, count(delivered_at) AS delivered, count(failed_at) AS failed,
                count(verified_at) AS verified, COALESCE(sum(extract(epoch FROM delivered_at - sent_at)), 0)::float8 AS seconds
                FROM deliveries WHERE sent_at >= \(since) GROUP BY channel, market ORDER BY market, channel
                """
            ).compactMap { row in
                guard let channel = DeliveryChannel(rawValue: try row["channel"].decode(String.self)) else { return nil }
                return DeliveryStats(
                    channel: channel, market: try row["market"].decode(String.self), sent: try row["sent"].decode(Int.self),
                    delivered: try row["delivered"].decode(Int.self), failed: try row["failed"].decode(Int.self),
                    verified: try row["verified"].decode(Int.self), deliverySeconds: try row["seconds"].decode(Double.self))
            }
        }
    }

    static func record(_ row: PostgresRandomAccessRow) throws -> DeliveryRecord? {
        guard let channel = DeliveryChannel(rawValue: try row["channel"].decode(String.self)),
            let state = DeliveryState(rawValue: try row["state"].decode(String.self))
        else { return nil }
        return DeliveryRecord(
            channel: channel, market: try row["market"].decode(String.self), provider: try row["provider"].decode(String.self), state: state,
            sentAt: try row["sent_at"].decode(Date.self), deliveredAt: try row["delivered_at"].decode(Date?.self),
            failedAt: try row["failed_at"].decode(Date?.self), errorCode: try row["error_code"].decode(String?.self))
    }
}
