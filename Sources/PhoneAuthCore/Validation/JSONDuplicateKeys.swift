import Foundation

/// Finds a key that appears twice in one JSON object. Foundation's decoder keeps one of them silently, so a proxy or
/// another service reading the same body could see a different value than this server: such a body is refused.
/// A single pass over at most 16 KiB; malformed input is left to the decoder to report.
package enum JSONDuplicateKeys {
    private struct Frame {
        var isObject: Bool
        var expectingKey: Bool
        var keys: Set<String> = []
    }

    package static func first(in bytes: [UInt8]) -> String? {
        var stack: [Frame] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "{"): stack.append(Frame(isObject: true, expectingKey: true))
            case UInt8(ascii: "["): stack.append(Frame(isObject: false, expectingKey: false))
            case UInt8(ascii: "}"), UInt8(ascii: "]"): _ = stack.popLast()
            case UInt8(ascii: ","): if stack.last?.isObject == true { stack[stack.count - 1].expectingKey = true }
            case UInt8(ascii: ":"): if stack.last?.isObject == true { stack[stack.count - 1].expectingKey = false }
            case UInt8(ascii: "\""):
                let start = index + 1
                var escaped = false
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") || escaped {
                    escaped = !escaped && bytes[index] == UInt8(ascii: "\\")
                    index += 1
                }
                guard index < bytes.count else { return nil }
                if let top = stack.last, top.isObject, top.expectingKey {
                    let raw = Array(bytes[start..<index])
                    // `"a"` and `"\u0061"` are one key: escaped keys are compared decoded. And compared as Strings, as
                    // the decoder compares them: `é` precomposed and `e` + U+0301 are one key to it (canonical
                    // equivalence; the fuzz target json-duplicate-keys found it).
                    let key =
                        raw.contains(UInt8(ascii: "\\")) ? decoded(raw) ?? String(decoding: raw, as: UTF8.self) : String(decoding: raw, as: UTF8.self)
                    if !stack[stack.count - 1].keys.insert(key).inserted { return key }
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    private static func decoded(_ raw: [UInt8]) -> String? {
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return try? JSONDecoder().decode(String.self, from: quoted)
    }
}
