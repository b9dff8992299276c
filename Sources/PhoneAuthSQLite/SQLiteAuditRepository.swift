import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteAuditRepository: AuditRepository {
    let database: SQLiteDatabase

    func record(_ entry: AuditEntry) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "INSERT INTO audit_log (at, operator_id, action, target, detail, address, via) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [entry.at, entry.operatorID, entry.action.rawValue, entry.target, entry.detail, entry.address, entry.via.rawValue])
        }
    }

    func list(operatorID: Int64?, target: String?, before: Int64?, limit: Int) async throws -> [AuditEntry] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM audit_log WHERE (? IS NULL OR operator_id = ?) AND (? IS NULL OR target = ?) AND (? IS NULL OR id < ?)
                    ORDER BY id DESC LIMIT ?
                    """, arguments: [operatorID, operatorID, target, target, before, before, limit]
            ).compactMap { row in
                guard let action = AuditEntry.Action(rawValue: row["action"]), let via = AuditEntry.Via(rawValue: row["via"]) else { return nil }
                return AuditEntry(
                    id: row["id"], at: row["at"], operatorID: row["operator_id"], action: action, target: row["target"], detail: row["detail"],
                    address: row["address"], via: via)
            }
        }
    }
}
