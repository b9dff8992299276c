import Foundation
import PhoneAuthCore
import PostgresNIO

/// The schema's history on PostgreSQL, numbered by `SchemaHistory`: the first step brings it to version 4 at once,
/// then one migration per version. A migration that has landed is never edited. Several instances may start at once:
/// the whole run holds an advisory lock, so exactly one applies each version.
enum PostgresMigrations {
    static let migrations: [(version: String, statements: [PostgresQuery])] = [
        (
            "v1-4: users, sessions, verifications, limits, idempotency, addresses, markets",
            [
                """
                CREATE TABLE users (
                    id BIGSERIAL PRIMARY KEY,
                    phone_number TEXT NOT NULL UNIQUE,
                    full_name TEXT,
                    profile_image_url TEXT,
                    is_active BOOLEAN NOT NULL DEFAULT TRUE,
                    is_verified BOOLEAN NOT NULL DEFAULT FALSE,
                    last_login TIMESTAMPTZ,
                    market TEXT NOT NULL,
                    language TEXT NOT NULL,
                    country TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL,
                    tokens_valid_after TIMESTAMPTZ,
                    role TEXT NOT NULL DEFAULT 'user',
                    force_logout_after TIMESTAMPTZ,
                    permissions_updated_at TIMESTAMPTZ,
                    disabled_at TIMESTAMPTZ,
                    disabled_reason TEXT
                )
                """,
                "CREATE INDEX users_market ON users (market)",
                """
                CREATE TABLE user_sessions (
                    id TEXT PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    refresh_token_hash BYTEA NOT NULL UNIQUE,
                    previous_refresh_hash BYTEA,
                    rotated_at TIMESTAMPTZ,
                    grace_payload BYTEA,
                    created_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL,
                    absolute_expires_at TIMESTAMPTZ NOT NULL,
                    last_activity_at TIMESTAMPTZ NOT NULL,
                    is_active BOOLEAN NOT NULL DEFAULT TRUE,
                    user_agent TEXT,
                    ip TEXT,
                    revoked_at TIMESTAMPTZ
                )
                """,
                "CREATE INDEX user_sessions_user ON user_sessions (user_id)",
                "CREATE INDEX user_sessions_previous ON user_sessions (previous_refresh_hash)",
                """
                CREATE TABLE verifications (
                    id BIGSERIAL PRIMARY KEY,
                    id_hash BYTEA NOT NULL UNIQUE,
                    phone_number TEXT NOT NULL,
                    code_hash BYTEA NOT NULL,
                    id_attempts INTEGER NOT NULL DEFAULT 0,
                    phone_attempts INTEGER NOT NULL DEFAULT 0,
                    expires_at TIMESTAMPTZ NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX verifications_phone ON verifications (phone_number, created_at)",
                """
                CREATE TABLE sms_sends (
                    id BIGSERIAL PRIMARY KEY,
                    phone_number TEXT NOT NULL,
                    ip TEXT NOT NULL,
                    prefix TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX sms_sends_created ON sms_sends (created_at)",
                "CREATE INDEX sms_sends_phone ON sms_sends (phone_number, created_at)",
                "CREATE INDEX sms_sends_ip ON sms_sends (ip, created_at)",
                "CREATE INDEX sms_sends_prefix ON sms_sends (prefix, created_at)",
                """
                CREATE TABLE verify_failures (
                    id BIGSERIAL PRIMARY KEY,
                    phone_number TEXT NOT NULL,
                    path TEXT NOT NULL,
                    network TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX verify_failures_phone ON verify_failures (phone_number, created_at)",
                "CREATE INDEX verify_failures_network ON verify_failures (network, created_at)",
                """
                CREATE TABLE idempotency_keys (
                    key TEXT PRIMARY KEY,
                    phone_number TEXT NOT NULL,
                    status INTEGER NOT NULL,
                    body BYTEA,
                    expires_at TIMESTAMPTZ NOT NULL
                )
                """,
                """
                CREATE TABLE addresses (
                    id BIGSERIAL PRIMARY KEY,
                    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
                    label TEXT,
                    line1 TEXT NOT NULL,
                    line2 TEXT,
                    city TEXT NOT NULL,
                    region TEXT,
                    postal_code TEXT,
                    country TEXT NOT NULL,
                    created_at TIMESTAMPTZ NOT NULL,
                    updated_at TIMESTAMPTZ NOT NULL
                )
                """,
                "CREATE INDEX addresses_user ON addresses (user_id)",
                "CREATE TABLE markets (code TEXT PRIMARY KEY, force_logout_after TIMESTAMPTZ)",
            ]
        ),
        (
            SchemaHistory.name(5),
            [
                "CREATE TABLE challenge_redemptions (id TEXT PRIMARY KEY, expires_at TIMESTAMPTZ NOT NULL)",
                "CREATE INDEX challenge_redemptions_expiry ON challenge_redemptions (expires_at)",
            ]
        ),
        (
            SchemaHistory.name(6),
            [
                "ALTER TABLE sms_sends ADD COLUMN verified_at TIMESTAMPTZ",
                "CREATE INDEX sms_sends_unverified ON sms_sends (verified_at, created_at)",
                """
                CREATE TABLE range_stats (
                    prefix TEXT PRIMARY KEY, sent BIGINT NOT NULL DEFAULT 0, verified BIGINT NOT NULL DEFAULT 0,
                    last_verified_at TIMESTAMPTZ)
                """,
            ]
        ),
        (
            SchemaHistory.name(7),
            [
                "ALTER TABLE sms_sends ADD COLUMN known_good BOOLEAN NOT NULL DEFAULT false",
                "CREATE INDEX sms_sends_pool ON sms_sends (known_good, created_at)",
                "CREATE TABLE send_challenges (id BIGSERIAL PRIMARY KEY, prefix TEXT NOT NULL, created_at TIMESTAMPTZ NOT NULL)",
                "CREATE INDEX send_challenges_created ON send_challenges (created_at)",
                """
                CREATE TABLE range_blocks (
                    prefix TEXT PRIMARY KEY, reason TEXT NOT NULL, automatic BOOLEAN NOT NULL, created_at TIMESTAMPTZ NOT NULL,
                    expires_at TIMESTAMPTZ, created_by BIGINT)
                """,
            ]
        ),
        (
            SchemaHistory.name(8),
            [
                """
                CREATE TABLE audit_log (
                    id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, operator_id BIGINT, action TEXT NOT NULL, target TEXT NOT NULL,
                    detail TEXT, address TEXT, via TEXT NOT NULL)
                """,
                "CREATE INDEX audit_log_operator ON audit_log (operator_id, id)",
                "CREATE INDEX audit_log_target ON audit_log (target, id)",
            ]
        ),
        (
            SchemaHistory.name(9),
            [
                """
                CREATE TABLE activity_counts (
                    bucket BIGINT NOT NULL, market TEXT NOT NULL, event TEXT NOT NULL, count BIGINT NOT NULL,
                    PRIMARY KEY (bucket, market, event))
                """
            ]
        ),
        (
            SchemaHistory.name(10),
            [
                "CREATE TABLE challenge_counts (scope TEXT NOT NULL, hour BIGINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (scope, hour))",
                "CREATE INDEX challenge_counts_hour ON challenge_counts (hour)",
                "DROP TABLE send_challenges",
            ]
        ),
        (
            SchemaHistory.name(11),
            [
                "ALTER TABLE range_stats ADD COLUMN credit DOUBLE PRECISION NOT NULL DEFAULT 0",
                "ALTER TABLE range_stats ADD COLUMN credit_at TIMESTAMPTZ",
                "UPDATE range_stats SET credit = verified, credit_at = last_verified_at",
            ]
        ),
        // SQLite's catches up with the index PostgreSQL made in its first step.
        (SchemaHistory.name(12), ["CREATE INDEX IF NOT EXISTS users_market ON users (market)"]),
        // `UnverifiedCounts`, begun from the send log's unverified sends. (Safe to apply again, as the step before.)
        (
            SchemaHistory.name(13),
            [
                """
                CREATE TABLE IF NOT EXISTS unverified_counts (
                    minute BIGINT NOT NULL, shard BIGINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (minute, shard))
                """,
                """
                INSERT INTO unverified_counts (minute, shard, count)
                SELECT floor(extract(epoch FROM created_at) / 60)::bigint, 0, count(*) FROM sms_sends WHERE verified_at IS NULL GROUP BY 1
                ON CONFLICT (minute, shard) DO NOTHING
                """,
            ]
        ),
        // `BudgetRing`: the budgets' rows for both pools, hour and day, begun from the send log; `UnverifiedCounts`
        // counted again without the numbers known to be good. (Safe to apply again, as the steps before; 61 is
        // `BudgetRing.slots`, written out: a landed step never changes.)
        (
            SchemaHistory.name(14),
            [
                """
                CREATE TABLE IF NOT EXISTS send_budgets (
                    pool BOOLEAN NOT NULL, window_seconds BIGINT NOT NULL, buckets BIGINT[] NOT NULL, counts BIGINT[] NOT NULL,
                    PRIMARY KEY (pool, window_seconds))
                """,
                """
                WITH pools (pool) AS (VALUES (true), (false)),
                windows (seconds) AS (VALUES (3600::bigint), (86400::bigint)),
                sent AS (
                    SELECT p.pool, w.seconds, floor(extract(epoch FROM s.created_at) / (w.seconds / 60))::bigint AS bucket, count(*) AS n
                    FROM pools AS p CROSS JOIN windows AS w
                    JOIN sms_sends AS s ON s.known_good = p.pool AND s.created_at > now() - make_interval(secs => (w.seconds * 61 / 60)::float8)
                    GROUP BY 1, 2, 3),
                latest AS (
                    SELECT DISTINCT ON (pool, seconds, bucket % 61) pool, seconds, bucket, n FROM sent
                    ORDER BY pool, seconds, bucket % 61, bucket DESC)
                INSERT INTO send_budgets (pool, window_seconds, buckets, counts)
                SELECT p.pool, w.seconds, array_agg(COALESCE(l.bucket, -1) ORDER BY slot), array_agg(COALESCE(l.n, 0) ORDER BY slot)
                FROM pools AS p CROSS JOIN windows AS w CROSS JOIN generate_series(0, 60) AS slot
                LEFT JOIN latest AS l ON l.pool = p.pool AND l.seconds = w.seconds AND l.bucket % 61 = slot
                GROUP BY p.pool, w.seconds
                ON CONFLICT (pool, window_seconds) DO NOTHING
                """,
                "DELETE FROM unverified_counts",
                """
                INSERT INTO unverified_counts (minute, shard, count)
                SELECT floor(extract(epoch FROM created_at) / 60)::bigint, 0, count(*) FROM sms_sends
                WHERE verified_at IS NULL AND NOT known_good GROUP BY 1
                """,
            ]
        ),
        // Channels: every message a provider took, and what its receipts said since.
        (
            SchemaHistory.name(15),
            [
                """
                CREATE TABLE IF NOT EXISTS deliveries (
                    id BIGSERIAL PRIMARY KEY, phone_number TEXT NOT NULL, market TEXT NOT NULL, channel TEXT NOT NULL, provider TEXT NOT NULL,
                    message_id TEXT, state TEXT NOT NULL, error_code TEXT, sent_at TIMESTAMPTZ NOT NULL, delivered_at TIMESTAMPTZ,
                    failed_at TIMESTAMPTZ, verified_at TIMESTAMPTZ)
                """,
                "CREATE UNIQUE INDEX IF NOT EXISTS deliveries_message ON deliveries (provider, message_id)",
                "CREATE INDEX IF NOT EXISTS deliveries_phone ON deliveries (phone_number, sent_at)",
            ]
        ),
        // Each channel's hourly and daily budget (`ChannelLimits`), a `BudgetRing` per channel and window.
        (
            SchemaHistory.name(16),
            [
                """
                CREATE TABLE IF NOT EXISTS channel_budgets (
                    channel TEXT NOT NULL, window_seconds BIGINT NOT NULL, buckets BIGINT[] NOT NULL, counts BIGINT[] NOT NULL,
                    PRIMARY KEY (channel, window_seconds))
                """
            ]
        ),
        // An account's life: erased users stay as tombstones, every number a user had, numbers in quarantine, and the
        // codes that move an account to a new number (redeemed only by the session that asked).
        (
            SchemaHistory.name(17),
            [
                "ALTER TABLE users ADD COLUMN IF NOT EXISTS deleted_at TIMESTAMPTZ",
                "ALTER TABLE users ADD COLUMN IF NOT EXISTS detached_at TIMESTAMPTZ",
                "ALTER TABLE verifications ADD COLUMN IF NOT EXISTS change_session TEXT",
                """
                CREATE TABLE IF NOT EXISTS phone_history (
                    id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE, phone_number TEXT NOT NULL,
                    from_at TIMESTAMPTZ NOT NULL, until_at TIMESTAMPTZ, reason TEXT)
                """,
                "CREATE INDEX IF NOT EXISTS phone_history_user ON phone_history (user_id)",
                "INSERT INTO phone_history (user_id, phone_number, from_at) SELECT id, phone_number, created_at FROM users WHERE is_verified",
                """
                CREATE TABLE IF NOT EXISTS released_numbers (
                    phone_digest TEXT PRIMARY KEY, user_id BIGINT NOT NULL, released_at TIMESTAMPTZ NOT NULL, available_at TIMESTAMPTZ NOT NULL)
                """,
            ]
        ),
        // What the operator network said before a code went out (`NetworkMarks`), for the sign-in that redeems it.
        (
            SchemaHistory.name(18),
            [
                "ALTER TABLE verifications ADD COLUMN IF NOT EXISTS sim_swap TEXT",
                "ALTER TABLE verifications ADD COLUMN IF NOT EXISTS recycled BOOLEAN",
            ]
        ),
        // Silent sign-ins between their start and the operator's answer (`NetworkFlow`), each used once.
        (
            SchemaHistory.name(19),
            [
                """
                CREATE TABLE IF NOT EXISTS network_flows (
                    id_hash BYTEA PRIMARY KEY, phone_number TEXT NOT NULL, state TEXT NOT NULL, client_challenge TEXT NOT NULL,
                    expires_at TIMESTAMPTZ NOT NULL, created_at TIMESTAMPTZ NOT NULL)
                """,
                "CREATE INDEX IF NOT EXISTS network_flows_phone ON network_flows (phone_number, expires_at)",
            ]
        ),
        // The event log (`AuthEvent`) the revocation stream and webhooks serve, written with the change it announces.
        (
            SchemaHistory.name(20),
            [
                """
                CREATE TABLE IF NOT EXISTS auth_events (
                    id BIGSERIAL PRIMARY KEY, type TEXT NOT NULL, user_id BIGINT, session_id TEXT, market TEXT, occurred_at TIMESTAMPTZ NOT NULL,
                    data TEXT)
                """,
                "CREATE INDEX IF NOT EXISTS auth_events_occurred ON auth_events (occurred_at)",
            ]
        ),
        // Where webhooks go (`WebhookEndpoint`), each with its cursor in the event log, and what they never took.
        (
            SchemaHistory.name(21),
            [
                """
                CREATE TABLE IF NOT EXISTS webhook_endpoints (
                    id BIGSERIAL PRIMARY KEY, url TEXT NOT NULL, description TEXT, events TEXT NOT NULL, secret TEXT NOT NULL,
                    previous_secret TEXT, previous_until TIMESTAMPTZ, include_phone BOOLEAN NOT NULL DEFAULT FALSE,
                    enabled BOOLEAN NOT NULL DEFAULT TRUE, cursor BIGINT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at TIMESTAMPTZ, failing_since TIMESTAMPTZ, last_error TEXT, lease_owner TEXT, lease_until TIMESTAMPTZ,
                    created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL)
                """,
                """
                CREATE TABLE IF NOT EXISTS webhook_dead_letters (
                    id BIGSERIAL PRIMARY KEY, endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
                    event_id BIGINT NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL, attempts INTEGER NOT NULL, last_error TEXT,
                    failed_at TIMESTAMPTZ NOT NULL, retry_requested_at TIMESTAMPTZ, delivered_at TIMESTAMPTZ)
                """,
                "CREATE INDEX IF NOT EXISTS webhook_dead_letters_endpoint ON webhook_dead_letters (endpoint_id, id)",
            ]
        ),
    ]

    /// What each migration above was recorded as while PostgreSQL numbered its own (frozen: never edit).
    static let legacyNames: [(old: String, new: String)] = [
        ("v1: users, sessions, verifications, limits, idempotency, addresses, markets", migrations[0].version),
        ("v2: proof-of-work challenge redemptions", SchemaHistory.name(5)),
        ("v3: conversion per number range", SchemaHistory.name(6)),
        ("v4: known-good sends, challenges issued, range blocks", SchemaHistory.name(7)),
        ("v5: audit log", SchemaHistory.name(8)),
        ("v6: activity counters", SchemaHistory.name(9)),
        ("v7: challenge counters", SchemaHistory.name(10)),
        ("v8: fading range credit", SchemaHistory.name(11)),
    ]

    /// Applies every version not yet applied, in one transaction under one advisory lock. Returns what it applied.
    @discardableResult
    static func migrate(_ database: PostgresDatabase) async throws -> [String] {
        try await database.write { sql in
            try await sql.lock("phoneauth:migrations")
            try await sql.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            // Databases migrated before the versions were numbered once recorded PostgreSQL's own numbers: those rows gain
            // their new names and stay (so an older instance of a rolling deploy still finds its own).
            for (old, new) in legacyNames {
                try await sql.execute(
                    """
                    INSERT INTO schema_migrations (version) SELECT \(new) WHERE EXISTS (SELECT 1 FROM schema_migrations WHERE version = \(old))
                    ON CONFLICT (version) DO NOTHING
                    """)
            }
            let applied = Set(try await sql.rows("SELECT version FROM schema_migrations").map { try $0["version"].decode(String.self) })
            var done: [String] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements { try await sql.execute(statement) }
                try await sql.execute("INSERT INTO schema_migrations (version) VALUES (\(migration.version))")
                done.append(migration.version)
            }
            return done
        }
    }
}
