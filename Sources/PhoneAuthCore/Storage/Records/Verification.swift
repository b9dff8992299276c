import Foundation

/// One sent code. Only hashes are stored: of the code (HMAC with the pepper) and of the verification id the client
/// holds. A phone may have several live rows; the phone path only ever tries the newest.
package struct Verification: Codable, Sendable, Equatable {
    package var id: Int64?
    package var idHash: Data
    package var phoneNumber: String
    package var codeHash: Data
    package var idAttempts: Int
    package var phoneAttempts: Int
    package var expiresAt: Date
    package var createdAt: Date
    /// The session that asked for this code to move its account to the number; nil for a sign-in code. Each kind is
    /// redeemed only where it was asked for.
    package var changeSession: String? = nil
    /// What the operator's SIM-swap check left on the code (`SimSwapMark`), if anything.
    package var simSwap: String? = nil
    /// Number Recycling's answer for the account holding the number; nil: not asked, or no answer.
    package var recycled: Bool? = nil

    /// The operator's marks on the code.
    package var marks: NetworkMarks { NetworkMarks(simSwap: simSwap.flatMap(SimSwapMark.init(rawValue:)), recycled: recycled) }

    package init(
        id: Int64? = nil,
        idHash: Data,
        phoneNumber: String,
        codeHash: Data,
        idAttempts: Int,
        phoneAttempts: Int,
        expiresAt: Date,
        createdAt: Date,
        changeSession: String? = nil
    ) {
        self.id = id
        self.idHash = idHash
        self.phoneNumber = phoneNumber
        self.codeHash = codeHash
        self.idAttempts = idAttempts
        self.phoneAttempts = phoneAttempts
        self.expiresAt = expiresAt
        self.createdAt = createdAt
        self.changeSession = changeSession
    }

    package enum CodingKeys: String, CodingKey {
        case id
        case idHash = "id_hash"
        case phoneNumber = "phone_number"
        case codeHash = "code_hash"
        case idAttempts = "id_attempts"
        case phoneAttempts = "phone_attempts"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case changeSession = "change_session"
        case simSwap = "sim_swap"
        case recycled
    }
}
