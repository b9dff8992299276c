/// The value of `If-Match` / `If-None-Match` (RFC 9110 §8.8.3, §13.1.1), read byte by byte: a header a client controls.
/// Fuzzed (`phoneauth-fuzz entity-tags`): whatever it returns, joined with commas, parses back to the same tags.
package enum EntityTagList {
    /// `*`, or the comma-separated `"…"` / `W/"…"` tags of a header (a tag may hold a comma), each as written; nil
    /// when the value is anything else.
    package static func parse(_ header: String) -> [String]? {
        let bytes = Array(header.utf8)
        let blank: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        var tags: [String] = []
        var index = 0
        while true {
            while index < bytes.count, blank(bytes[index]) { index += 1 }
            let start = index
            if bytes[index...].starts(with: [UInt8(ascii: "*")]), tags.isEmpty {
                index += 1
            } else {
                if bytes[index...].starts(with: Array("W/".utf8)) { index += 2 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
                // etagc: visible ASCII but the quote, or obs-text.
                while index < bytes.count, bytes[index] == 0x21 || (0x23...0x7E).contains(bytes[index]) || bytes[index] >= 0x80 { index += 1 }
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
                index += 1
            }
            tags.append(String(decoding: bytes[start..<index], as: UTF8.self))
            while index < bytes.count, blank(bytes[index]) { index += 1 }
            if index == bytes.count { return tags }
            guard bytes[index] == UInt8(ascii: ","), tags != ["*"] else { return nil }
            index += 1
        }
    }
}
