import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresAuditRepository: AuditRepository {
    let database: PostgresDatabase

    func record(_ entry: AuditEntry) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                INSERT INTO audit_log (at, operator_id, action, target, detail, address, via)
                VALUES (\(entry.at), \(entry.operatorID), \(entry.action.rawValue), \(entry.target), \(entry.detail), \(entry.address),
                        \(entry.via.rawValue))
                """)
        }
    }

    func list(operatorID: Int64?, target: String?, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await database.read { sql in
            try await sql.rows(
                """
                SELECT * FROM audit_log
                WHERE (\(operatorID)::bigint IS NULL OR operator_id = \(operatorID)) AND (\(target)::text IS NULL OR target = \(target))
                AND (\(before)::bigint IS NULL OR id < \(before))
                ORDER BY id DESC LIMIT \(limit)
                """
            ).compactMap { row in
                guard let action = AuditEntry.Action(rawValue: try row["action"].decode(String.self)),
                    let via = AuditEntry.Via(rawValue: try row["via"].decode(String.self))
                else { return nil }
                return AuditEntry(
                    id: try row["id"].decode(Int64.self), at: try row["at"].decode(Date.self), operatorID: try row["operator_id"].decode(Int64?.self),
                    action: action, target: try row["target"].decode(String.self), detail: try row["detail"].decode(String?.self),
                    address: try row["address"].decode(String?.self), via: via)
            }
        }
    }
}
