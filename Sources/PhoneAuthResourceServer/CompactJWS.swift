/// The one spelling of a token: three base64url segments without padding, each with its unused trailing bits zero
/// (RFC 7515 §2, RFC 4648 §3.5). jwt-kit's decoder also takes `=` padding, and any base64 decoder ignores the
/// unused bits, so without this check a token with `=` appended, or its last character moved within the same bits,
/// verified as well: another token string for the same signature (the fuzz target access-token found the first).
/// PhoneAuth and the kit both refuse any other spelling.
package enum CompactJWS {
    package static func isCanonical(_ token: some StringProtocol) -> Bool {
        var segments = 1
        var length = 0
        var last: UInt8 = 0
        for byte in token.utf8 {
            if byte == UInt8(ascii: ".") {
                guard segments < 3, endsCleanly(length: length, last: last) else { return false }
                segments += 1
                length = 0
                continue
            }
            guard let value = value(of: byte) else { return false }
            length += 1
            last = value
        }
        return segments == 3 && endsCleanly(length: length, last: last)
    }

    /// A segment of 4n+2 characters carries 4 unused bits in its last one, 4n+3 two, 4n+1 is no base64 at all.
    private static func endsCleanly(length: Int, last: UInt8) -> Bool {
        switch length % 4 {
        case 0: true
        case 2: last & 0x0F == 0
        case 3: last & 0x03 == 0
        default: false
        }
    }

    private static func value(of byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        case UInt8(ascii: "_"): 63
        default: nil
        }
    }
}
