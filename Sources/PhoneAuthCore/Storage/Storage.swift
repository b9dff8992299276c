import Foundation
import Logging
import ServiceLifecycle

/// Every repository of one backend, opened and migrated: what `buildApplication`, `migrate` and the `admin` commands
/// receive, so each works the same on SQLite and PostgreSQL. Each backend module builds its own (`Storage.sqlite`,
/// `Storage.postgres`); the server's `Storage.open` picks the configured one.
package struct Storage: Sendable {
    package var users: any UserRepository
    package var sessions: any SessionRepository
    package var signIn: any SignInRepository
    package var ranges: any RangeRepository
    package var idempotency: any IdempotencyRepository
    package var addresses: any AddressRepository
    package var admin: any AdminRepository
    package var housekeeping: any HousekeepingRepository
    package var challenges: any ChallengeRepository
    package var audit: any AuditRepository
    package var activity: any ActivityRepository
    package var deliveries: any DeliveryRepository
    package var accounts: any AccountRepository
    /// The event log the revocation stream serves.
    package var events: any EventRepository
    /// Webhook endpoints, their delivery state and dead letters.
    package var webhooks: any WebhookRepository
    /// Whether the event log may have grown (asked ten times a second while someone listens).
    package var eventSignal: any EventSignal
    /// One round trip, for `/health`.
    package var ping: @Sendable () async throws -> Void
    /// Brings the schema up to date (once `services` run); safe when several instances start at once. Returns the
    /// versions it applied (SQLite's, applied when the file was opened).
    package var migrate: @Sendable () async throws -> [String]
    /// What the backend needs running while it is used (PostgreSQL's connection pool); none for SQLite.
    package var services: [any Service]
    /// The schema versions `Storage.with` applied before handing this storage on.
    package var migrationsApplied: [String] = []
    /// What keeps the auth-state cache exact; nil when no cache was asked for.
    package var changeSignal: (any StorageChangeSignal)?

    package init(
        users: any UserRepository,
        sessions: any SessionRepository,
        signIn: any SignInRepository,
        ranges: any RangeRepository,
        idempotency: any IdempotencyRepository,
        addresses: any AddressRepository,
        admin: any AdminRepository,
        housekeeping: any HousekeepingRepository,
        challenges: any ChallengeRepository,
        audit: any AuditRepository,
        activity: any ActivityRepository,
        deliveries: any DeliveryRepository,
        accounts: any AccountRepository,
        events: any EventRepository,
        webhooks: any WebhookRepository,
        eventSignal: any EventSignal,
        ping: @escaping @Sendable () async throws -> Void,
        migrate: @escaping @Sendable () async throws -> [String],
        services: [any Service],
        changeSignal: (any StorageChangeSignal)? = nil
    ) {
        self.users = users
        self.sessions = sessions
        self.signIn = signIn
        self.ranges = ranges
        self.idempotency = idempotency
        self.addresses = addresses
        self.admin = admin
        self.housekeeping = housekeeping
        self.challenges = challenges
        self.audit = audit
        self.activity = activity
        self.deliveries = deliveries
        self.accounts = accounts
        self.events = events
        self.webhooks = webhooks
        self.eventSignal = eventSignal
        self.ping = ping
        self.migrate = migrate
        self.services = services
        self.changeSignal = changeSignal
    }
}
