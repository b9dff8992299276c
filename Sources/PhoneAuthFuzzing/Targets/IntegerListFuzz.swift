import Foundation
import PhoneAuthCore

/// SQLite's budget rings (`IntegerListJSON`): what it reads, Foundation reads as the same integers, and what it
/// writes it reads back.
enum IntegerListFuzz {
    static let target = FuzzTarget(
        name: "integer-list", property: "reads only JSON arrays of Int64, as Foundation reads them; encode then decode is the identity"
    ) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        guard let values = IntegerListJSON.decode(text) else { return nil }
        guard let foundation = try? JSONDecoder().decode([Int64].self, from: Data(text.utf8)), foundation == values else {
            return "read \(values) from \(text.debugDescription), which Foundation reads otherwise"
        }
        let written = IntegerListJSON.encode(values)
        return IntegerListJSON.decode(written) == values ? nil : "\(values) written as \(written) does not read back"
    }
}
