import Foundation
import GRDB

struct SQLiteAddressRepository: AddressRepository {
    let database: SQLiteDatabase

    func list(userID: Int64) async throws -> [Address] {
        try await database.writer.read { db in
            try Address.filter(Address.Columns.userID == userID).order(Address.Columns.id).fetchAll(db)
        }
    }

    func find(id: Int64, userID: Int64) async throws -> Address? {
        try await database.writer.read { db in try Self.owned(db, id: id, userID: userID) }
    }

    func insert(_ fields: AddressFields, userID: Int64, country: String, limit: Int, now: Date) async throws -> AddressInsertOutcome {
        try await database.writer.write { db in
            // Counted inside the write transaction, so concurrent creates cannot overshoot the limit.
            guard try Address.filter(Address.Columns.userID == userID).fetchCount(db) < limit else { return .limitReached }
            var address = Address(
                id: nil, userID: userID, label: fields.label, line1: fields.line1, line2: fields.line2, city: fields.city,
                region: fields.region, postalCode: fields.postalCode, country: country, createdAt: now, updatedAt: now
            )
            try address.insert(db)
            return .created(address)
        }
    }

    func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address? {
        try await database.writer.write { db in
            guard var address = try Self.owned(db, id: id, userID: userID) else { return nil }
            if let ifUnchangedSince, address.updatedAt.milliseconds != ifUnchangedSince.milliseconds { return nil }
            address.label = fields.label
            address.line1 = fields.line1
            address.line2 = fields.line2
            address.city = fields.city
            address.region = fields.region
            address.postalCode = fields.postalCode
            address.updatedAt = now
            try address.update(db)
            return address
        }
    }

    func delete(id: Int64, userID: Int64) async throws -> Bool {
        try await database.writer.write { db in
            try Address.filter(Address.Columns.id == id && Address.Columns.userID == userID).deleteAll(db) > 0
        }
    }

    private static func owned(_ db: Database, id: Int64, userID: Int64) throws -> Address? {
        try Address.filter(Address.Columns.id == id && Address.Columns.userID == userID).fetchOne(db)
    }
}
