import Foundation
import GRDB

struct GRDBUserRepository: UserRepository {
    let database: AppDatabase

    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User? {
        try await database.writer.write { db in
            guard var user = try User.fetchOne(db, key: id) else { return nil }
            if let ifUnchangedSince, user.updatedAt.milliseconds != ifUnchangedSince.milliseconds { return nil }
            if let fullName = changes.fullName { user.fullName = fullName }
            if let url = changes.profileImageURL { user.profileImageURL = url }
            if let language = changes.language { user.language = language }
            user.updatedAt = now
            try user.update(db)
            return user
        }
    }

    func isDisabled(phone: String) async throws -> Bool {
        try await database.writer.read { db in
            try User.filter(User.Columns.phoneNumber == phone && User.Columns.disabledAt != nil).fetchCount(db) > 0
        }
    }

    func ping() async throws {
        try await database.ping()
    }
}
