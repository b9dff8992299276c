import Foundation
import GRDB
import PhoneAuthCore

/// The schema's history on SQLite, one migration per `SchemaHistory` version. A migration that has landed is never
/// edited: change the schema with a new version.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(SchemaHistory.name(1)) { db in
            try db.create(table: "users") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("phone_number", .text).notNull().unique()
                t.column("full_name", .text)
                t.column("profile_image_url", .text)
                t.column("is_active", .boolean).notNull().defaults(to: true)
                t.column("is_verified", .boolean).notNull().defaults(to: false)
                t.column("last_login", .datetime)
                t.column("market", .text).notNull().defaults(to: "kg")
                t.column("language", .text).notNull().defaults(to: "ru")
                t.column("country", .text).notNull().defaults(to: "Kyrgyzstan")
                t.column("created_at", .datetime).notNull().defaults(sql: "CURRENT_TIMESTAMP")
                t.column("updated_at", .datetime).notNull().defaults(sql: "CURRENT_TIMESTAMP")
                t.column("tokens_valid_after", .datetime)
            }
            try db.create(table: "verification_codes") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("phone_number", .text).notNull().unique()
                t.column("code_hash", .blob).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("expires_at", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(table: "addresses") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("user_id", .integer).notNull().indexed().references("users", onDelete: .cascade)
                t.column("label", .text)
                t.column("line1", .text).notNull()
                t.column("line2", .text)
                t.column("city", .text).notNull()
                t.column("region", .text)
                t.column("postal_code", .text)
                t.column("country", .text).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
        }
        migrator.registerMigration(SchemaHistory.name(2)) { db in
            // Every send attempt, kept a day, so rate limits survive restarts and are shared by every process on the file.
            try db.create(table: "sms_sends") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("phone_number", .text).notNull()
                t.column("ip", .text).notNull()
                t.column("prefix", .text).notNull()
                t.column("created_at", .datetime).notNull().indexed()
            }
            try db.create(index: "sms_sends_phone", on: "sms_sends", columns: ["phone_number", "created_at"])
            try db.create(index: "sms_sends_ip", on: "sms_sends", columns: ["ip", "created_at"])
            try db.create(index: "sms_sends_prefix", on: "sms_sends", columns: ["prefix", "created_at"])
            try db.create(table: "verify_failures") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("phone_number", .text).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "verify_failures_phone", on: "verify_failures", columns: ["phone_number", "created_at"])
            try db.create(table: "idempotency_keys") { t in
                t.primaryKey("key", .text)
                t.column("phone_number", .text).notNull()
                // 0 while the first request is in flight.
                t.column("status", .integer).notNull()
                t.column("body", .blob)
                t.column("expires_at", .datetime).notNull()
            }
        }
        migrator.registerMigration(SchemaHistory.name(3)) { db in
            try db.create(table: "user_sessions") { t in
                t.primaryKey("id", .text)
                t.column("user_id", .integer).notNull().indexed().references("users", onDelete: .cascade)
                t.column("refresh_token_hash", .blob).notNull().unique()
                // The hash the last rotation retired, and when: reuse detection and the grace window.
                t.column("previous_refresh_hash", .blob).indexed()
                t.column("rotated_at", .datetime)
                // The pair handed out at the last rotation, sealed with a server key, replayed within the grace window.
                t.column("grace_payload", .blob)
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("absolute_expires_at", .datetime).notNull()
                t.column("last_activity_at", .datetime).notNull()
                t.column("is_active", .boolean).notNull().defaults(to: true)
                t.column("user_agent", .text)
                t.column("ip", .text)
                t.column("revoked_at", .datetime)
            }
            try db.alter(table: "users") { t in
                t.add(column: "role", .text).notNull().defaults(to: "user")
                t.add(column: "force_logout_after", .datetime)
                t.add(column: "permissions_updated_at", .datetime)
            }
            try db.create(table: "markets") { t in
                t.primaryKey("code", .text)
                t.column("force_logout_after", .datetime)
            }
        }
        migrator.registerMigration(SchemaHistory.name(4)) { db in
            try db.alter(table: "users") { t in
                // A ban of its own: sign-in never clears it (is_active is global logout's flag and sign-in sets it).
                t.add(column: "disabled_at", .datetime)
                t.add(column: "disabled_reason", .text)
            }
            // One row per send: a stranger's send or guesses no longer replace or kill the owner's code.
            try db.create(table: "verifications") { t in
                t.autoIncrementedPrimaryKey("id")
                // SHA-256 of the verification id handed to the client; the id itself is never stored.
                t.column("id_hash", .blob).notNull().unique()
                t.column("phone_number", .text).notNull()
                t.column("code_hash", .blob).notNull()
                // Wrong tries through each path: the id path's budget cannot be spent by someone without the id.
                t.column("id_attempts", .integer).notNull().defaults(to: 0)
                t.column("phone_attempts", .integer).notNull().defaults(to: 0)
                t.column("expires_at", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "verifications_phone", on: "verifications", columns: ["phone_number", "created_at"])
            // Live codes survive the upgrade on the phone path; their random id is unknown to anyone.
            try db.execute(
                sql: """
                    INSERT INTO verifications (id_hash, phone_number, code_hash, id_attempts, phone_attempts, expires_at, created_at)
                    SELECT randomblob(32), phone_number, code_hash, attempts, attempts, expires_at, created_at FROM verification_codes
                    """)
            try db.drop(table: "verification_codes")
            try db.alter(table: "verify_failures") { t in
                t.add(column: "path", .text).notNull().defaults(to: "phone")
                // IPv4 address or IPv6 prefix: one network's guesses across every phone.
                t.add(column: "network", .text).notNull().defaults(to: "")
            }
            try db.create(index: "verify_failures_network", on: "verify_failures", columns: ["network", "created_at"])
        }
        migrator.registerMigration(SchemaHistory.name(5)) { db in
            try db.create(table: "challenge_redemptions") { t in
                t.primaryKey("id", .text)
                t.column("expires_at", .datetime).notNull().indexed()
            }
        }
        migrator.registerMigration(SchemaHistory.name(6)) { db in
            // Set when the code of a send is entered: what is left unset in a range is what nobody wanted.
            try db.alter(table: "sms_sends") { t in t.add(column: "verified_at", .datetime) }
            try db.create(index: "sms_sends_unverified", on: "sms_sends", columns: ["verified_at", "created_at"])
            try db.create(table: "range_stats") { t in
                t.primaryKey("prefix", .text)
                t.column("sent", .integer).notNull().defaults(to: 0)
                t.column("verified", .integer).notNull().defaults(to: 0)
                t.column("last_verified_at", .datetime)
            }
        }
        migrator.registerMigration(SchemaHistory.name(7)) { db in
            // Numbers that signed in before draw from a budget of their own, so an attack cannot starve them.
            try db.alter(table: "sms_sends") { t in t.add(column: "known_good", .boolean).notNull().defaults(to: false) }
            try db.create(index: "sms_sends_pool", on: "sms_sends", columns: ["known_good", "created_at"])
            try db.create(table: "send_challenges") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("prefix", .text).notNull()
                t.column("created_at", .datetime).notNull().indexed()
            }
            try db.create(table: "range_blocks") { t in
                t.primaryKey("prefix", .text)
                t.column("reason", .text).notNull()
                t.column("automatic", .boolean).notNull()
                t.column("created_at", .datetime).notNull()
                t.column("expires_at", .datetime)
                t.column("created_by", .integer)
            }
        }
        migrator.registerMigration(SchemaHistory.name(8)) { db in
            try db.create(table: "audit_log") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("at", .datetime).notNull()
                t.column("operator_id", .integer)
                t.column("action", .text).notNull()
                t.column("target", .text).notNull()
                t.column("detail", .text)
                t.column("address", .text)
                t.column("via", .text).notNull()
            }
            try db.create(index: "audit_log_operator", on: "audit_log", columns: ["operator_id", "id"])
            try db.create(index: "audit_log_target", on: "audit_log", columns: ["target", "id"])
        }
        migrator.registerMigration(SchemaHistory.name(9)) { db in
            try db.create(table: "activity_counts") { t in
                t.column("bucket", .integer).notNull()
                t.column("market", .text).notNull()
                t.column("event", .text).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["bucket", "market", "event"])
            }
        }
        migrator.registerMigration(SchemaHistory.name(10)) { db in
            // Hourly counters per range and per network instead of a row per challenge (issue 24, item 5).
            try db.create(table: "challenge_counts") { t in
                t.column("scope", .text).notNull()
                t.column("hour", .integer).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["scope", "hour"])
            }
            try db.create(index: "challenge_counts_hour", on: "challenge_counts", columns: ["hour"])
            try db.drop(table: "send_challenges")
        }
        migrator.registerMigration(SchemaHistory.name(11)) { db in
            // Distinct phones that signed in, fading with a half-life (`RangeCredit`); begun from the sign-ins so far.
            try db.alter(table: "range_stats") { t in
                t.add(column: "credit", .double).notNull().defaults(to: 0)
                t.add(column: "credit_at", .datetime)
            }
            try db.execute(sql: "UPDATE range_stats SET credit = verified, credit_at = last_verified_at")
        }
        migrator.registerMigration(SchemaHistory.name(12)) { db in
            // PostgreSQL has had it from the start (operators list and force-logout a market's users).
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS users_market ON users (market)")
        }
        migrator.registerMigration(SchemaHistory.name(13)) { db in
            // `UnverifiedCounts`, begun from the send log's unverified sends.
            try db.create(table: "unverified_counts") { t in
                t.column("minute", .integer).notNull()
                t.column("shard", .integer).notNull()
                t.column("count", .integer).notNull()
                t.primaryKey(["minute", "shard"])
            }
            try db.execute(
                sql: """
                    INSERT INTO unverified_counts (minute, shard, count)
                    SELECT CAST(strftime('%s', created_at) AS INTEGER) / 60, 0, COUNT(*) FROM sms_sends WHERE verified_at IS NULL GROUP BY 1
                    """)
        }
        migrator.registerMigration(SchemaHistory.name(14)) { db in
            // `BudgetRing`: the budgets' rows for both pools, hour and day, begun from the send log; `UnverifiedCounts`
            // counted again without the numbers known to be good.
            try db.create(table: "send_budgets") { t in
                t.column("pool", .boolean).notNull()
                t.column("window_seconds", .integer).notNull()
                t.column("buckets", Database.ColumnType(rawValue: "JSON")).notNull()
                t.column("counts", Database.ColumnType(rawValue: "JSON")).notNull()
                t.primaryKey(["pool", "window_seconds"])
            }
            let now = Date()
            for window: TimeInterval in [3_600, 86_400] {
                for knownGood in [true, false] {
                    let sent = try Date.fetchAll(
                        db, sql: "SELECT created_at FROM sms_sends WHERE known_good = ? AND created_at > ? ORDER BY created_at",
                        arguments: [knownGood, now.addingTimeInterval(-window * 61 / 60)])
                    try SQLiteBudgetRows.count(db, knownGood: knownGood, windows: [window], at: sent)
                }
            }
            try db.execute(sql: "DELETE FROM unverified_counts")
            try db.execute(
                sql: """
                    INSERT INTO unverified_counts (minute, shard, count)
                    SELECT CAST(strftime('%s', created_at) AS INTEGER) / 60, 0, COUNT(*) FROM sms_sends
                    WHERE verified_at IS NULL AND NOT known_good GROUP BY 1
                    """)
        }
        migrator.registerMigration(SchemaHistory.name(15)) { db in
            // Channels: every message a provider took, and what its receipts said since.
            try db.create(table: "deliveries") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("phone_number", .text).notNull()
                t.column("market", .text).notNull()
                t.column("channel", .text).notNull()
                t.column("provider", .text).notNull()
                t.column("message_id", .text)
                t.column("state", .text).notNull()
                t.column("error_code", .text)
                t.column("sent_at", .datetime).notNull()
                t.column("delivered_at", .datetime)
                t.column("failed_at", .datetime)
                t.column("verified_at", .datetime)
            }
            try db.create(index: "deliveries_message", on: "deliveries", columns: ["provider", "message_id"], unique: true)
            try db.create(index: "deliveries_phone", on: "deliveries", columns: ["phone_number", "sent_at"])
        }
        migrator.registerMigration(SchemaHistory.name(16)) { db in
            // Each channel's hourly and daily budget (`ChannelLimits`), a `BudgetRing` per channel and window.
            try db.create(table: "channel_budgets") { t in
                t.column("channel", .text).notNull()
                t.column("window_seconds", .integer).notNull()
                t.column("buckets", Database.ColumnType(rawValue: "JSON")).notNull()
                t.column("counts", Database.ColumnType(rawValue: "JSON")).notNull()
                t.primaryKey(["channel", "window_seconds"])
            }
        }
        migrator.registerMigration(SchemaHistory.name(17)) { db in
            // An account's life: erased users stay as tombstones, every number a user had, numbers in quarantine, and the
            // codes that move an account to a new number (redeemed only by the session that asked).
            try db.alter(table: "users") { t in
                t.add(column: "deleted_at", .datetime)
                t.add(column: "detached_at", .datetime)
            }
            try db.alter(table: "verifications") { t in t.add(column: "change_session", .text) }
            try db.create(table: "phone_history") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("user_id", .integer).notNull().references("users", onDelete: .cascade)
                t.column("phone_number", .text).notNull()
                t.column("from_at", .datetime).notNull()
                t.column("until_at", .datetime)
                t.column("reason", .text)
            }
            try db.create(index: "phone_history_user", on: "phone_history", columns: ["user_id"])
            try db.execute(
                sql: "INSERT INTO phone_history (user_id, phone_number, from_at) SELECT id, phone_number, created_at FROM users WHERE is_verified")
            try db.create(table: "released_numbers") { t in
                t.column("phone_digest", .text).notNull().primaryKey()
                t.column("user_id", .integer).notNull()
                t.column("released_at", .datetime).notNull()
                t.column("available_at", .datetime).notNull()
            }
        }
        migrator.registerMigration(SchemaHistory.name(18)) { db in
            // What the operator network said before a code went out (`NetworkMarks`), for the sign-in that redeems it.
            try db.alter(table: "verifications") { t in
                t.add(column: "sim_swap", .text)
                t.add(column: "recycled", .boolean)
            }
        }
        migrator.registerMigration(SchemaHistory.name(19)) { db in
            // Silent sign-ins between their start and the operator's answer (`NetworkFlow`), each used once.
            try db.create(table: "network_flows") { t in
                t.column("id_hash", .blob).notNull().primaryKey()
                t.column("phone_number", .text).notNull()
                t.column("state", .text).notNull()
                t.column("client_challenge", .text).notNull()
                t.column("expires_at", .datetime).notNull()
                t.column("created_at", .datetime).notNull()
            }
            try db.create(index: "network_flows_phone", on: "network_flows", columns: ["phone_number", "expires_at"])
        }
        migrator.registerMigration(SchemaHistory.name(20)) { db in
            // The event log (`AuthEvent`) the revocation stream and webhooks serve, written with the change it announces.
            try db.create(table: "auth_events") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("type", .text).notNull()
                t.column("user_id", .integer)
                t.column("session_id", .text)
                t.column("market", .text)
                t.column("occurred_at", .datetime).notNull()
                t.column("data", .text)
            }
            try db.create(index: "auth_events_occurred", on: "auth_events", columns: ["occurred_at"])
        }
        migrator.registerMigration(SchemaHistory.name(21)) { db in
            // Where webhooks go (`WebhookEndpoint`), each with its cursor in the event log, and what they never took.
            try db.create(table: "webhook_endpoints") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("url", .text).notNull()
                t.column("description", .text)
                t.column("events", .text).notNull()
                t.column("secret", .text).notNull()
                t.column("previous_secret", .text)
                t.column("previous_until", .datetime)
                t.column("include_phone", .boolean).notNull().defaults(to: false)
                t.column("enabled", .boolean).notNull().defaults(to: true)
                t.column("cursor", .integer).notNull()
                t.column("attempts", .integer).notNull().defaults(to: 0)
                t.column("next_attempt_at", .datetime)
                t.column("failing_since", .datetime)
                t.column("last_error", .text)
                t.column("lease_owner", .text)
                t.column("lease_until", .datetime)
                t.column("created_at", .datetime).notNull()
                t.column("updated_at", .datetime).notNull()
            }
            try db.create(table: "webhook_dead_letters") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("endpoint_id", .integer).notNull().references("webhook_endpoints", onDelete: .cascade)
                t.column("event_id", .integer).notNull()
                t.column("type", .text).notNull()
                t.column("body", .text).notNull()
                t.column("attempts", .integer).notNull()
                t.column("last_error", .text)
                t.column("failed_at", .datetime).notNull()
                t.column("retry_requested_at", .datetime)
                t.column("delivered_at", .datetime)
            }
            try db.create(index: "webhook_dead_letters_endpoint", on: "webhook_dead_letters", columns: ["endpoint_id", "id"])
        }
        return migrator
    }
}
