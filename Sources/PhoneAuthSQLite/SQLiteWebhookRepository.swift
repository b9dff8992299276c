import Foundation
import GRDB
import PhoneAuthCore

struct SQLiteWebhookRepository: WebhookRepository {
    let database: SQLiteDatabase

    static func endpoint(_ row: Row) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: row["id"], url: row["url"], description: row["description"],
            events: (row["events"] as String).split(separator: ",").map(String.init), secret: try WebhookSecret(parsing: row["secret"]),
            previousSecret: try (row["previous_secret"] as String?).map(WebhookSecret.init(parsing:)), previousUntil: row["previous_until"],
            includePhone: row["include_phone"], enabled: row["enabled"], cursor: row["cursor"], attempts: row["attempts"],
            nextAttemptAt: row["next_attempt_at"], failingSince: row["failing_since"], lastError: row["last_error"], createdAt: row["created_at"])
    }

    static func deadLetter(_ row: Row) -> WebhookDeadLetter {
        WebhookDeadLetter(
            id: row["id"], endpointID: row["endpoint_id"], eventID: row["event_id"], type: row["type"], body: row["body"],
            attempts: row["attempts"], lastError: row["last_error"], failedAt: row["failed_at"], retryRequestedAt: row["retry_requested_at"],
            deliveredAt: row["delivered_at"])
    }

    func create(
        url: String, description: String?, events: [String], includePhone: Bool, secret: WebhookSecret, now: Date
    ) async throws
        -> WebhookEndpoint
    {
        try await database.writer.write { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    INSERT INTO webhook_endpoints (url, description, events, secret, include_phone, enabled, cursor, created_at, updated_at)
                    VALUES (?, ?, ?, ?, ?, 1, (SELECT COALESCE(MAX(id), 0) FROM auth_events), ?, ?) RETURNING *
                    """, arguments: [url, description, events.joined(separator: ","), secret.text, includePhone, now, now])
            guard let row else { throw AppError.internalError }
            return try Self.endpoint(row)
        }
    }

    func list() async throws -> [WebhookEndpoint] {
        try await database.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM webhook_endpoints ORDER BY id").map(Self.endpoint) }
    }

    func find(id: Int64) async throws -> WebhookEndpoint? {
        try await database.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoints WHERE id = ?", arguments: [id]).map(Self.endpoint)
        }
    }

    func update(id: Int64, _ settings: WebhookSettings, now: Date) async throws -> WebhookEndpoint? {
        try await database.writer.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM webhook_endpoints WHERE id = ?", arguments: [id]) else { return nil }
            let endpoint = try Self.endpoint(row).applying(settings)
            try db.execute(
                sql: "UPDATE webhook_endpoints SET url = ?, description = ?, events = ?, include_phone = ?, enabled = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    endpoint.url, endpoint.description, endpoint.events.joined(separator: ","), endpoint.includePhone, endpoint.enabled, now, id,
                ])
            return endpoint
        }
    }

    func delete(id: Int64) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(sql: "DELETE FROM webhook_endpoints WHERE id = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    func rotate(id: Int64, to secret: WebhookSecret, keepOldUntil: Date, now: Date) async throws -> WebhookEndpoint? {
        try await database.writer.write { db in
            try Row.fetchOne(
                db,
                sql: """
                    UPDATE webhook_endpoints SET previous_secret = secret, previous_until = ?, secret = ?, updated_at = ? WHERE id = ? RETURNING *
                    """, arguments: [keepOldUntil, secret.text, now, id]
            ).map(Self.endpoint)
        }
    }

    func lease(owner: String, until: Date, now: Date, limit: Int) async throws -> [WebhookEndpoint] {
        // A read first: with nothing due (the steady state) nothing is written.
        let due = try await database.writer.read { db in
            try Bool.fetchOne(db, sql: "SELECT EXISTS (\(Self.due))", arguments: [now, now]) ?? false
        }
        guard due else { return [] }
        return try await database.writer.write { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE webhook_endpoints SET lease_owner = ?, lease_until = ?
                    WHERE id IN (\(Self.due) ORDER BY id LIMIT ?)
                    RETURNING *
                    """, arguments: [owner, until, now, now, limit]
            ).map(Self.endpoint)
        }
    }

    /// Endpoints with events past their cursor, no retry wait pending, and no instance's lease (`now` twice).
    private static let due = """
        SELECT id FROM webhook_endpoints WHERE enabled AND cursor < (SELECT COALESCE(MAX(id), 0) FROM auth_events)
        AND (next_attempt_at IS NULL OR next_attempt_at <= ?) AND (lease_until IS NULL OR lease_until < ?)
        """

    func advance(id: Int64, owner: String, to eventID: Int64) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET cursor = ?, attempts = 0, next_attempt_at = NULL, failing_since = NULL, last_error = NULL
                    WHERE id = ? AND lease_owner = ? AND cursor < ?
                    """, arguments: [eventID, id, owner, eventID])
        }
    }

    func recordFailure(id: Int64, owner: String, error: String, nextAttemptAt: Date, now: Date) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET attempts = attempts + 1, next_attempt_at = ?, failing_since = COALESCE(failing_since, ?),
                    last_error = ?, lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?
                    """, arguments: [nextAttemptAt, now, error, id, owner])
        }
    }

    func deadLetter(id: Int64, owner: String, event: AuthEvent, body: String, error: String, now: Date) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO webhook_dead_letters (endpoint_id, event_id, type, body, attempts, last_error, failed_at)
                    SELECT id, ?, ?, ?, attempts + 1, ?, ? FROM webhook_endpoints WHERE id = ? AND lease_owner = ? AND cursor < ?
                    """, arguments: [event.id, event.kind.rawValue, body, error, now, id, owner, event.id])
            try db.execute(
                sql: """
                    UPDATE webhook_endpoints SET cursor = ?, attempts = 0, next_attempt_at = NULL, failing_since = NULL, last_error = ?
                    WHERE id = ? AND lease_owner = ? AND cursor < ?
                    """, arguments: [event.id, error, id, owner, event.id])
        }
    }

    func release(id: Int64, owner: String) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: "UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?", arguments: [id, owner])
        }
    }

    func deadLetters(endpointID: Int64, limit: Int) async throws -> [WebhookDeadLetter] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook_dead_letters WHERE endpoint_id = ? ORDER BY id DESC LIMIT ?", arguments: [endpointID, limit]
            ).map(Self.deadLetter)
        }
    }

    func requestRetry(endpointID: Int64, deadLetterID: Int64, now: Date) async throws -> Bool {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_dead_letters SET retry_requested_at = ?
                    WHERE id = ? AND endpoint_id = ? AND delivered_at IS NULL AND retry_requested_at IS NULL
                    """,
                arguments: [now, deadLetterID, endpointID])
            return db.changesCount > 0
        }
    }

    func retriesDue(limit: Int) async throws -> [WebhookDeadLetter] {
        try await database.writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT * FROM webhook_dead_letters WHERE retry_requested_at IS NOT NULL AND delivered_at IS NULL ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map(Self.deadLetter)
        }
    }

    func finishRetry(id: Int64, delivered: Bool, error: String?, now: Date) async throws {
        try await database.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE webhook_dead_letters SET retry_requested_at = NULL, delivered_at = CASE WHEN ? THEN ? ELSE NULL END,
                    last_error = COALESCE(?, last_error), attempts = attempts + 1 WHERE id = ?
                    """, arguments: [delivered, now, error, id])
        }
    }
}
