/// A JSON array of integers (`[1,-2,3]`), the way SQLite keeps the budgets' rings (PostgreSQL keeps arrays). Written
/// and read on every send, so by hand: Foundation's coders cost a send more than its SQL did (perf, issue 26).
/// `decode` accepts exactly the JSON arrays of integers that fit `Int64` (white space allowed, nothing else), and
/// `decode(encode(x)) == x`; the fuzz target `integer-list` checks both against Foundation's decoder.
package enum IntegerListJSON {
    package static func encode(_ values: some Collection<some BinaryInteger>) -> String {
        var text = "["
        text.reserveCapacity(2 + values.count * 4)
        for (index, value) in values.enumerated() {
            if index > 0 { text += "," }
            text += String(value)
        }
        return text + "]"
    }

    package static func decode(_ text: String) -> [Int64]? {
        var text = text
        return text.withUTF8 { decode(bytes: $0) }
    }

    package static func decode(bytes: UnsafeBufferPointer<UInt8>) -> [Int64]? {
        var index = 0
        func skipSpace() {
            while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        }
        func byte(_ ascii: Unicode.Scalar) -> Bool {
            guard index < bytes.count, bytes[index] == UInt8(ascii: ascii) else { return false }
            index += 1
            return true
        }
        func integer() -> Int64? {
            let negative = byte("-")
            let start = index
            var magnitude: UInt64 = 0
            while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
                let (times, over1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, over2) = times.addingReportingOverflow(UInt64(bytes[index] - 0x30))
                guard !over1, !over2 else { return nil }
                magnitude = sum
                index += 1
            }
            let digits = index - start
            // JSON: at least one digit, no leading zero; a fraction or an exponent is not an integer here.
            guard digits > 0, digits == 1 || bytes[start] != 0x30 else { return nil }
            if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
            return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
        }
        var values: [Int64] = []
        skipSpace()
        guard byte("[") else { return nil }
        skipSpace()
        if !byte("]") {
            repeat {
                skipSpace()
                guard let value = integer() else { return nil }
                values.append(value)
                skipSpace()
            } while byte(",")
            guard byte("]") else { return nil }
        }
        skipSpace()
        return index == bytes.count ? values : nil
    }
}
