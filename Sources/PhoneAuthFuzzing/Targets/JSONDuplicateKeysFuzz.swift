import Foundation
import PhoneAuthCore

/// The request reader refuses a JSON body with a key twice in one object, since Foundation's decoder silently keeps
/// one of them. On every body Foundation accepts, `JSONDuplicateKeys` must find a duplicate exactly when an
/// independent walk of the document does, keys compared as Swift compares them (so `"\u0061"` is `"a"`, and an `é`
/// written precomposed is the `é` written with a combining accent).
enum JSONDuplicateKeysFuzz {
    static let target = FuzzTarget(
        name: "json-duplicate-keys",
        property: "the JSON reader never accepts a duplicate key and agrees with Foundation on what it accepts"
    ) { bytes in
        guard bytes.count <= 16 << 10, (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil
        else {
            _ = JSONDuplicateKeys.first(in: bytes)  // must not crash on what Foundation refuses either
            return nil
        }
        var walk = DocumentWalk(bytes: bytes)
        let duplicate = walk.value()
        let found = JSONDuplicateKeys.first(in: bytes)
        switch (duplicate, found) {
        case (nil, nil), (.some, .some): return nil
        case (.some(let key), nil):
            return "accepted a body with \(key.debugDescription) twice: \(String(decoding: bytes, as: UTF8.self).debugDescription)"
        case (nil, .some(let key)):
            return "refused \(key.debugDescription) as a duplicate in \(String(decoding: bytes, as: UTF8.self).debugDescription)"
        }
    }

    /// A walk over a document Foundation already accepted (so it can be lax about numbers and literals), recursive,
    /// decoding each key with JSONSerialization: written apart from the reader on purpose.
    private struct DocumentWalk {
        let bytes: [UInt8]
        var index = 0

        /// The first key found twice in one object, if any.
        mutating func value() -> String? {
            space()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: "{"): return members(closing: UInt8(ascii: "}"), keyed: true)
            case UInt8(ascii: "["): return members(closing: UInt8(ascii: "]"), keyed: false)
            case UInt8(ascii: "\""):
                _ = string()
                return nil
            default:
                while index < bytes.count, !Array(",]} \t\r\n".utf8).contains(bytes[index]) { index += 1 }
                return nil
            }
        }

        /// An object's members or an array's elements up to `closing`: the first duplicate key among or under them.
        private mutating func members(closing: UInt8, keyed: Bool) -> String? {
            index += 1
            var keys: [String] = []
            var duplicate: String?
            while true {
                space()
                if index < bytes.count, bytes[index] == closing {
                    index += 1
                    return duplicate
                }
                if index < bytes.count, bytes[index] == UInt8(ascii: ",") {
                    index += 1
                    continue
                }
                if keyed {
                    let key = string()
                    if duplicate == nil, keys.contains(key) { duplicate = key }
                    keys.append(key)
                    space()
                    index += 1  // the colon
                }
                if let inner = value(), duplicate == nil { duplicate = inner }
            }
        }

        private mutating func string() -> String {
            let start = index
            index += 1
            while bytes[index] != UInt8(ascii: "\"") { index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1 }
            index += 1
            let literal = Data(bytes[start..<index])
            return (try? JSONSerialization.jsonObject(with: literal, options: [.fragmentsAllowed])) as? String ?? ""
        }

        private mutating func space() {
            while index < bytes.count, Array(" \t\r\n".utf8).contains(bytes[index]) { index += 1 }
        }
    }
}
