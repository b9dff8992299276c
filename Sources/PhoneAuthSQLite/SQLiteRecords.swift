import GRDB
import PhoneAuthCore

/// The GRDB side of the plain records: table names, columns and row ids. SQL lives only under `Storage/SQLite/`.
extension User: FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "users"
    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let phoneNumber = Column(CodingKeys.phoneNumber)
        static let isActive = Column(CodingKeys.isActive)
        static let updatedAt = Column(CodingKeys.updatedAt)
        static let tokensValidAfter = Column(CodingKeys.tokensValidAfter)
        static let forceLogoutAfter = Column(CodingKeys.forceLogoutAfter)
        static let disabledAt = Column(CodingKeys.disabledAt)
        static let disabledReason = Column(CodingKeys.disabledReason)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension UserSession: FetchableRecord, PersistableRecord {
    package static let databaseTableName = "user_sessions"
    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let userID = Column(CodingKeys.userID)
        static let refreshTokenHash = Column(CodingKeys.refreshTokenHash)
        static let previousRefreshHash = Column(CodingKeys.previousRefreshHash)
        static let isActive = Column(CodingKeys.isActive)
        static let expiresAt = Column(CodingKeys.expiresAt)
        static let revokedAt = Column(CodingKeys.revokedAt)
        static let lastActivityAt = Column(CodingKeys.lastActivityAt)
    }
}

extension Verification: FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "verifications"
    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let idHash = Column(CodingKeys.idHash)
        static let phoneNumber = Column(CodingKeys.phoneNumber)
        static let codeHash = Column(CodingKeys.codeHash)
        static let expiresAt = Column(CodingKeys.expiresAt)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension Address: FetchableRecord, MutablePersistableRecord {
    package static let databaseTableName = "addresses"
    package enum Columns {
        static let id = Column(CodingKeys.id)
        static let userID = Column(CodingKeys.userID)
    }

    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
