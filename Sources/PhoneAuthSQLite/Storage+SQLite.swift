import Foundation
import PhoneAuthCore

extension Storage {
    /// `cache`: the auth-state cache this storage must keep exact (nil: no cache).
    package static func sqlite(_ database: SQLiteDatabase, cache: AuthStateCache? = nil) throws -> Storage {
        var storage = Storage(
            users: SQLiteUserRepository(database: database), sessions: SQLiteSessionRepository(database: database),
            signIn: SQLiteSignInRepository(database: database), ranges: SQLiteRangeRepository(database: database),
            idempotency: SQLiteIdempotencyRepository(database: database), addresses: SQLiteAddressRepository(database: database),
            admin: SQLiteAdminRepository(database: database), housekeeping: SQLiteHousekeepingRepository(database: database),
            challenges: SQLiteChallengeRepository(database: database), audit: SQLiteAuditRepository(database: database),
            activity: SQLiteActivityRepository(database: database), deliveries: SQLiteDeliveryRepository(database: database),
            accounts: SQLiteAccountRepository(database: database), events: SQLiteEventRepository(database: database),
            webhooks: SQLiteWebhookRepository(database: database),
            eventSignal: try SQLiteDataVersion(path: database.writer.path),
            ping: { try await database.ping() },
            migrate: { database.appliedAtOpen },  // done when the file was opened
            services: [])
        if cache != nil { storage.changeSignal = try SQLiteChangeSignal(path: database.writer.path) }
        return storage
    }
}
