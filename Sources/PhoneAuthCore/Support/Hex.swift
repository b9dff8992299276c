/// Lower-case hex from a table: `String(format: "%02x")` per byte costs more than a SHA-256 of the same bytes.
extension Sequence<UInt8> {
    package var hex: String {
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

private let hexDigits = Array("0123456789abcdef".utf8)
