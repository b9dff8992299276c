import Foundation
import GRDB

/// A pending one-time code. Only its HMAC is stored; at most one row per phone.
struct VerificationCode: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "verification_codes"

    var id: Int64?
    var phoneNumber: String
    var codeHash: Data
    var attempts: Int
    var expiresAt: Date
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case phoneNumber = "phone_number"
        case codeHash = "code_hash"
        case attempts
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let phoneNumber = Column(CodingKeys.phoneNumber)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
