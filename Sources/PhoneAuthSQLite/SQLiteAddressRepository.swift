import Foundation
import GRDB
import PhoneAuthCore

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
            let count = try Address.filter(Address.Columns.userID == userID).fetchCount(db)
            let outcome = AddressDecision.insert(fields, userID: userID, country: country, existing: count, limit: limit, now: now)
            guard case .created(var address) = outcome else { return outcome }
            try address.insert(db)
            return .created(address)
        }
    }

    func update(id: Int64, userID: Int64, _ fields: AddressFields, ifUnchangedSince: Date?, now: Date) async throws -> Address? {
        try await database.writer.write { db in
            guard let address = try Self.owned(db, id: id, userID: userID),
                let edited = AddressDecision.update(address, with: fields, ifUnchangedSince: ifUnchangedSince, now: now)
            else { return nil }
            try edited.update(db)
            return edited
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
