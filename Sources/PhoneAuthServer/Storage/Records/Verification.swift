import Foundation

/// One sent code. Only hashes are stored: of the code (HMAC with the pepper) and of the verification id the client
/// holds. A phone may have several live rows; the phone path only ever tries the newest.
struct Verification: Codable, Sendable, Equatable {
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
}
