import Foundation
import GRDB

/// One sent code. Only hashes are stored: of the code (HMAC with the pepper) and of the verification id the client
/// holds. A phone may have several live rows; the phone path only ever tries the newest.
struct Verification: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    static let databaseTableName = "verifications"

    var id: Int64?
    var idHash: Data
    var phoneNumber: String
    var codeHash: Data
    var idAttempts: Int
    var phoneAttempts: Int
    var expiresAt: Date
    var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id
        case idHash = "id_hash"
        case phoneNumber = "phone_number"
        case codeHash = "code_hash"
        case idAttempts = "id_attempts"
        case phoneAttempts = "phone_attempts"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
    }

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let idHash = Column(CodingKeys.idHash)
        static let phoneNumber = Column(CodingKeys.phoneNumber)
        static let codeHash = Column(CodingKeys.codeHash)
        static let expiresAt = Column(CodingKeys.expiresAt)
        static let createdAt = Column(CodingKeys.createdAt)
    }

    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}
