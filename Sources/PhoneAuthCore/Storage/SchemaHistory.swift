/// The schema's versions, numbered once for both backends. SQLite applies them one at a time; PostgreSQL, added
/// at version 4, applied the first four as one step (`PostgresMigrations`). A change to the schema is a new version
/// here and a migration of that number on both backends; `SchemaParityTests` checks that both reach `latest` with
/// the same tables, columns, types, nullability, indexes and unique constraints. A landed version is never edited.
package enum SchemaHistory {
    package static let titles: [String] = [
        "users, verification codes, addresses",
        "send log, verify failures, idempotency keys",
        "sessions, roles, force-logout timestamps",
        "bans, verifications by id, wrong guesses by path and network",
        "proof-of-work challenge redemptions",
        "conversion per number range",
        "known-good sends, challenges issued, range blocks",
        "audit log",
        "activity counters",
        "challenge counters",
        "fading range credit",
        "users by market",
        "unverified sends per minute",
        "SMS budgets as rings, unverified sends of unknown numbers only",
        "deliveries by channel with their receipts",
        "budgets per channel",
        "erased and detached accounts, number history, numbers in quarantine, number-change codes",
        "operator network answers on codes: SIM swap, number recycling",
        "silent sign-ins under way",
        "the event log revocation streams and webhooks serve",
        "webhook endpoints and dead letters",
    ]

    package static var latest: Int { titles.count }

    /// How a migration of `version` is recorded (GRDB's identifier, PostgreSQL's `schema_migrations.version`).
    package static func name(_ version: Int) -> String { "v\(version): \(titles[version - 1])" }

    /// The version a recorded name stands for (the last of a range such as `v1-4: …`); nil for a name of no version.
    package static func version(named name: String) -> Int? { versions(named: name)?.upperBound }

    /// The versions a recorded name stands for: `v1-4: …` 1...4, `v9: …` 9...9.
    package static func versions(named name: String) -> ClosedRange<Int>? {
        guard name.hasPrefix("v"), let head = name.dropFirst().split(separator: ":").first else { return nil }
        let ends = head.split(separator: "-").compactMap { Int($0) }
        guard let first = ends.first, let last = ends.last, first <= last else { return nil }
        return first...last
    }
}
