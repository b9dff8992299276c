import Foundation
import PhoneAuthCore

/// Finds a key that appears twice in one JSON object. Foundation's decoder keeps one of them silently, so a proxy or
/// another service reading the same body could see a different value than this server: such a body is refused.
/// A single pass over at most 16 KiB; malformed input is left to the decoder to report.
enum JSONDuplicateKeys {
    private struct Frame {
        var isObject: Bool
        var expectingKey: Bool
        var keys: Set<[UInt8]> = []
    }

    static func first(in bytes: [UInt8]) -> String? {
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
                    // `"a"` and `"\u0061"` are one key: escaped keys are compared decoded.
                    let key = raw.contains(UInt8(ascii: "\\")) ? decoded(raw) ?? raw : raw
                    if !stack[stack.count - 1].keys.insert(key).inserted { return String(decoding: key, as: UTF8.self) }
                }
            default: break
            }
            index += 1
        }
        return nil
    }

    private static func decoded(_ raw: [UInt8]) -> [UInt8]? {
        let quoted = Data([UInt8(ascii: "\"")] + raw + [UInt8(ascii: "\"")])
        return (try? JSONDecoder().decode(String.self, from: quoted)).map { Array($0.utf8) }
    }
}
