import Foundation
import PhoneAuthCore
import PostgresNIO

/// Every SQL statement about `addresses` on PostgreSQL. Creating one locks the owner's user row first, so the count
/// and the insert are one unit however many instances create at once.
struct PostgresAddressRepository: AddressRepository {
    let database: PostgresDatabase

    func list(userID: Int64) async throws -> [Address] {
        try await database.read { sql in
            try await sql.rows("SELECT * FROM addresses WHERE user_id = \(userID) ORDER BY id").map(Address.init(row:))
        }
    }

    func find(id: Int64, userID: Int64) async throws -> Address? {
        try await database.read { sql in
            try await sql.row("SELECT * FROM addresses WHERE id = \(id) AND user_id = \(userID)").map(Address.init(row:))
        }
    }

    func insert(_ fields: AddressFields, userID: Int64, country: String, limit: Int, now: Date) async throws -> AddressInsertOutcome {
        try await database.write(affecting: .user(userID)) { sql in
            guard try await sql.row("SELECT id FROM users WHERE id = \(userID) FOR UPDATE") != nil else { return .limitReached }
            let count = try await sql.row("SELECT COUNT(*) AS n FROM addresses WHERE user_id = \(userID)")?["n"].decode(Int.self) ?? 0
            let outcome = AddressDecision.insert(fields, userID: userID, country: country, existing: count, limit: limit, now: now)
            guard case .created(let address) = outcome else { return outcome }
            let row = try await sql.row(
                """
                INSERT INTO addresses (user_id, label, line1, line2, city, region, postal_code, country, created_at, updated_at)
                VALUES (\(userID), \(address.label), \(address.line1), \(address.line2), \(address.city), \(address.region),
                \(address.postalCode), \(address.country), \(now), \(now))
                RETURNING *
                """)
            guard let row else { throw AppError.internalError }
            return .created(try Address(row: row))
        }
    }

    func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address? {
        try await database.write(affecting: .user(userID)) { sql in
            guard let row = try await sql.row("SELECT * FROM addresses WHERE id = \(id) AND user_id = \(userID) FOR UPDATE") else { return nil }
            guard let edited = AddressDecision.update(try Address(row: row), with: fields, ifUnchangedSince: ifUnchangedSince, now: now)
            else { return nil }
            return try await sql.row(
                """
                UPDATE addresses SET label = \(edited.label), line1 = \(edited.line1), line2 = \(edited.line2), city = \(edited.city),
                region = \(edited.region), postal_code = \(edited.postalCode), updated_at = \(edited.updatedAt)
                WHERE id = \(id) RETURNING *
                """
            ).map(Address.init(row:))
        }
    }

    func delete(id: Int64, userID: Int64) async throws -> Bool {
        try await database.write(affecting: .user(userID)) { sql in
            try await sql.row("DELETE FROM addresses WHERE id = \(id) AND user_id = \(userID) RETURNING id") != nil
        }
    }
}
