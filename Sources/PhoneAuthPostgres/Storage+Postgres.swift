import Foundation
import PhoneAuthCore

extension Storage {
    /// The pool is not running yet: run `services` (the application does) before the first query, or use `with`.
    package static func postgres(_ database: PostgresDatabase, listener: PostgresChangeListener? = nil) -> Storage {
        var storage = Storage(
            users: PostgresUserRepository(database: database), sessions: PostgresSessionRepository(database: database),
            signIn: PostgresSignInRepository(database: database), ranges: PostgresRangeRepository(database: database),
            idempotency: PostgresIdempotencyRepository(database: database), addresses: PostgresAddressRepository(database: database),
            admin: PostgresAdminRepository(database: database), housekeeping: PostgresHousekeepingRepository(database: database),
            challenges: PostgresChallengeRepository(database: database), audit: PostgresAuditRepository(database: database),
            activity: PostgresActivityRepository(database: database), deliveries: PostgresDeliveryRepository(database: database),
            accounts: PostgresAccountRepository(database: database), events: PostgresEventRepository(database: database),
            webhooks: PostgresWebhookRepository(database: database),
            eventSignal: database.bell,
            ping: { try await database.ping() },
            migrate: { try await PostgresMigrations.migrate(database) }, services: [database.client])
        if let listener {
            storage.changeSignal = listener
            storage.services.append(listener)
        }
        return storage
    }
}
