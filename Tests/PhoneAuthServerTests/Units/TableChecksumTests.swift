import Foundation
import Testing

@testable import PhoneAuthCore

/// What `copy-to-postgres` compares: the same rows give the same checksum in any order, and any change to one value,
/// or values running into each other, gives another.
@Suite struct TableChecksumTests {
    let rows: [[CopiedValue]] = [
        [.integer(1), .text("+13125550101"), .timestamp(Date(timeIntervalSince1970: 1_800_000_000.123)), .boolean(true)],
        [.integer(2), .null, .bytes(Data([0, 1, 2])), .list([5, -1, 0]), .double(0.1)],
    ]

    func checksum(_ rows: [[CopiedValue]]) -> TableChecksum {
        var checksum = TableChecksum()
        for row in rows { checksum.add(row) }
        return checksum
    }

    @Test func theOrderOfRowsDoesNotMatter() {
        #expect(checksum(rows) == checksum(rows.reversed()))
        #expect(checksum(rows).rows == 2)
    }

    @Test func anyChangedValueChangesIt() {
        var changed = rows
        changed[0][2] = .timestamp(Date(timeIntervalSince1970: 1_800_000_000.124))
        #expect(checksum(changed) != checksum(rows))
        changed = rows
        changed[1][1] = .text("")
        #expect(checksum(changed) != checksum(rows), "null is not the empty text")
        #expect(checksum([[.text("ab"), .text("c")]]) != checksum([[.text("a"), .text("bc")]]))
    }

    @Test func timestampsAgreeToTheMillisecondAsSQLiteKeepsThem() {
        let sqlite = CopiedValue.timestamp(Date(timeIntervalSince1970: 1_800_000_000.123))
        let postgres = CopiedValue.timestamp(Date(timeIntervalSince1970: 1_800_000_000.123_000_4))
        #expect(sqlite.canonical == postgres.canonical)
    }

    @Test func bothBackendsDeclaredTypesMapToOneVocabulary() {
        #expect(ColumnKind(declared: "DATETIME") == ColumnKind(declared: "timestamp with time zone"))
        #expect(ColumnKind(declared: "JSON") == ColumnKind(declared: "ARRAY"))
        #expect(ColumnKind(declared: "BLOB") == .bytes)
        #expect(ColumnKind(declared: "varchar") == nil)
    }
}
