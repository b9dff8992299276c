import Foundation
import PhoneAuthCore
import PostgresNIO

struct PostgresWebhookRepository: WebhookRepository {
    let database: PostgresDatabase

    static func endpoint(_ row: PostgresRandomAccessRow) throws -> WebhookEndpoint {
        WebhookEndpoint(
            id: try row["id"].decode(Int64.self), url: try row["url"].decode(String.self), description: try row["description"].decode(String?.self),
            events: try row["events"].decode(String.self).split(separator: ",").map(String.init),
            secret: try WebhookSecret(parsing: try row["secret"].decode(String.self)),
            previousSecret: try row["previous_secret"].decode(String?.self).map(WebhookSecret.init(parsing:)),
            previousUntil: try row["previous_until"].decode(Date?.self), includePhone: try row["include_phone"].decode(Bool.self),
            enabled: try row["enabled"].decode(Bool.self), cursor: try row["cursor"].decode(Int64.self),
            attempts: try row["attempts"].decode(Int.self),
            nextAttemptAt: try row["next_attempt_at"].decode(Date?.self), failingSince: try row["failing_since"].decode(Date?.self),
            lastError: try row["last_error"].decode(String?.self), createdAt: try row["created_at"].decode(Date.self))
    }

    static func deadLetter(_ row: PostgresRandomAccessRow) throws -> WebhookDeadLetter {
        WebhookDeadLetter(
            id: try row["id"].decode(Int64.self), endpointID: try row["endpoint_id"].decode(Int64.self),
            eventID: try row["event_id"].decode(Int64.self),
            type: try row["type"].decode(String.self), body: try row["body"].decode(String.self), attempts: try row["attempts"].decode(Int.self),
            lastError: try row["last_error"].decode(String?.self), failedAt: try row["failed_at"].decode(Date.self),
            retryRequestedAt: try row["retry_requested_at"].decode(Date?.self), deliveredAt: try row["delivered_at"].decode(Date?.self))
    }

    func create(
        url: String, description: String?, events: [String], includePhone: Bool, secret: WebhookSecret, now: Date
    ) async throws
        -> WebhookEndpoint
    {
        try await database.write(affecting: .nobody) { sql in
            guard
                let row = try await sql.row(
                    """
                    INSERT INTO webhook_endpoints (url, description, events, secret, include_phone, enabled, cursor, created_at, updated_at)
                    VALUES (\(url), \(description), \(events.joined(separator: ",")), \(secret.text), \(includePhone), TRUE,
                    (SELECT COALESCE(MAX(id), 0) FROM auth_events), \(now), \(now)) RETURNING *
                    """)
            else { throw AppError.internalError }
            return try Self.endpoint(row)
        }
    }

    func list() async throws -> [WebhookEndpoint] {
        try await database.read { sql in try await sql.rows("SELECT * FROM webhook_endpoints ORDER BY id").map(Self.endpoint) }
    }

    func find(id: Int64) async throws -> WebhookEndpoint? {
        try await database.read { sql in try await sql.row("SELECT * FROM webhook_endpoints WHERE id = \(id)").map(Self.endpoint) }
    }

    func update(id: Int64, _ settings: WebhookSettings, now: Date) async throws -> WebhookEndpoint? {
        try await database.write(affecting: .nobody) { sql in
            guard let row = try await sql.row("SELECT * FROM webhook_endpoints WHERE id = \(id) FOR UPDATE") else { return nil }
            let endpoint = try Self.endpoint(row).applying(settings)
            try await sql.execute(
                """
                UPDATE webhook_endpoints SET url = \(endpoint.url), description = \(endpoint.description),
                events = \(endpoint.events.joined(separator: ",")), include_phone = \(endpoint.includePhone), enabled = \(endpoint.enabled),
                updated_at = \(now) WHERE id = \(id)
                """)
            return endpoint
        }
    }

    func delete(id: Int64) async throws -> Bool {
        try await database.write(affecting: .nobody) { sql in try await sql.row("DELETE FROM webhook_endpoints WHERE id = \(id) RETURNING id") != nil
        }
    }

    func rotate(id: Int64, to secret: WebhookSecret, keepOldUntil: Date, now: Date) async throws -> WebhookEndpoint? {
        try await database.write(affecting: .nobody) { sql in
            try await sql.row(
                """
                UPDATE webhook_endpoints SET previous_secret = secret, previous_until = \(keepOldUntil), secret = \(secret.text), updated_at = \(now)
                WHERE id = \(id) RETURNING *
                """
            ).map(Self.endpoint)
        }
    }

    func lease(owner: String, until: Date, now: Date, limit: Int) async throws -> [WebhookEndpoint] {
        // A read first: with nothing due (the steady state) nothing is written.
        let due = try await database.read { sql in
            try await sql.row(
                """
                SELECT 1 FROM webhook_endpoints WHERE enabled AND cursor < (SELECT COALESCE(MAX(id), 0) FROM auth_events)
                AND (next_attempt_at IS NULL OR next_attempt_at <= \(now)) AND (lease_until IS NULL OR lease_until < \(now)) LIMIT 1
                """) != nil
        }
        guard due else { return [] }
        return try await database.write(affecting: .nobody) { sql in
            // SKIP LOCKED: instances leasing at the same moment take different endpoints instead of waiting on each other.
            try await sql.rows(
                """
                UPDATE webhook_endpoints SET lease_owner = \(owner), lease_until = \(until)
                WHERE id IN (
                    SELECT id FROM webhook_endpoints WHERE enabled AND cursor < (SELECT COALESCE(MAX(id), 0) FROM auth_events)
                    AND (next_attempt_at IS NULL OR next_attempt_at <= \(now)) AND (lease_until IS NULL OR lease_until < \(now))
                    ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING *
                """
            ).map(Self.endpoint)
        }
    }

    func advance(id: Int64, owner: String, to eventID: Int64) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                UPDATE webhook_endpoints SET cursor = \(eventID), attempts = 0, next_attempt_at = NULL, failing_since = NULL, last_error = NULL
                WHERE id = \(id) AND lease_owner = \(owner) AND cursor < \(eventID)
                """)
        }
    }

    func recordFailure(id: Int64, owner: String, error: String, nextAttemptAt: Date, now: Date) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                UPDATE webhook_endpoints SET attempts = attempts + 1, next_attempt_at = \(nextAttemptAt),
                failing_since = COALESCE(failing_since, \(now)), last_error = \(error), lease_owner = NULL, lease_until = NULL
                WHERE id = \(id) AND lease_owner = \(owner)
                """)
        }
    }

    func deadLetter(id: Int64, owner: String, event: AuthEvent, body: String, error: String, now: Date) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                INSERT INTO webhook_dead_letters (endpoint_id, event_id, type, body, attempts, last_error, failed_at)
                SELECT id, \(event.id), \(event.kind.rawValue), \(body), attempts + 1, \(error), \(now) FROM webhook_endpoints
                WHERE id = \(id) AND lease_owner = \(owner) AND cursor < \(event.id)
                """)
            try await sql.execute(
                """
                UPDATE webhook_endpoints SET cursor = \(event.id), attempts = 0, next_attempt_at = NULL, failing_since = NULL, last_error = \(error)
                WHERE id = \(id) AND lease_owner = \(owner) AND cursor < \(event.id)
                """)
        }
    }

    func release(id: Int64, owner: String) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute("UPDATE webhook_endpoints SET lease_owner = NULL, lease_until = NULL WHERE id = \(id) AND lease_owner = \(owner)")
        }
    }

    func deadLetters(endpointID: Int64, limit: Int) async throws -> [WebhookDeadLetter] {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM webhook_dead_letters WHERE endpoint_id = \(endpointID) ORDER BY id DESC LIMIT \(limit)")
                .map(Self.deadLetter)
        }
    }

    func requestRetry(endpointID: Int64, deadLetterID: Int64, now: Date) async throws -> Bool {
        try await database.write(affecting: .nobody) { sql in
            try await sql.row(
                """
                UPDATE webhook_dead_letters SET retry_requested_at = \(now)
                WHERE id = \(deadLetterID) AND endpoint_id = \(endpointID) AND delivered_at IS NULL AND retry_requested_at IS NULL RETURNING id
                """) != nil
        }
    }

    func retriesDue(limit: Int) async throws -> [WebhookDeadLetter] {
        try await database.read { sql in
            try await sql.rows(
                "SELECT * FROM webhook_dead_letters WHERE retry_requested_at IS NOT NULL AND delivered_at IS NULL ORDER BY id LIMIT \(limit)"
            ).map(Self.deadLetter)
        }
    }

    func finishRetry(id: Int64, delivered: Bool, error: String?, now: Date) async throws {
        try await database.write(affecting: .nobody) { sql in
            try await sql.execute(
                """
                UPDATE webhook_dead_letters SET retry_requested_at = NULL, delivered_at = \(delivered ? now : nil),
                last_error = COALESCE(\(error), last_error), attempts = attempts + 1 WHERE id = \(id)
                """)
        }
    }
}
