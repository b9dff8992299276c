import PhoneAuthCore

/// Phone normalization: one number, one spelling. Whatever the input, an accepted number is `+` and 8 to 15 ASCII
/// digits not starting with 0, exactly the input's ASCII digits after its prefix; parsing it again, or any other
/// spelling of it (`00`, separators, padding), gives the same number.
enum PhoneNumberFuzz {
    static let target = FuzzTarget(
        name: "phone-number",
        property: "normalize is idempotent and canonical: only ASCII digits out, at most 15, every spelling of one number gives one result"
    ) { bytes in
        let raw = String(decoding: bytes, as: UTF8.self)
        guard let phone = try? PhoneNumber(parsing: raw) else { return nil }
        let digits = String(phone.e164.dropFirst())
        guard phone.e164.hasPrefix("+"), digits.utf8.allSatisfy({ (0x30...0x39).contains($0) }), (8...15).contains(digits.utf8.count),
            !digits.hasPrefix("0")
        else { return "not canonical: \(phone.e164.debugDescription) from \(raw.debugDescription)" }
        // Nothing but the input's own digits: a full-width or Arabic-Indic digit must have been refused, not mapped.
        var typed = raw.unicodeScalars.filter { ("0"..."9").contains($0) }.map(String.init).joined()
        if !raw.unicodeScalars.contains("+") { typed = String(typed.dropFirst(2)) }  // the 00 prefix
        guard typed == digits else { return "digits \(digits) are not the input's \(typed) in \(raw.debugDescription)" }
        let grouped = stride(from: 0, to: digits.count, by: 3).map { String(Array(digits)[$0..<min($0 + 3, digits.count)]) }
        let spellings = [
            phone.e164, "00" + digits, " \t+" + grouped.joined(separator: " ") + "\t ", "+(" + grouped.joined(separator: ")-(") + ")",
            "00" + grouped.joined(separator: "."),
        ]
        for spelling in spellings where (try? PhoneNumber(parsing: spelling))?.e164 != phone.e164 {
            return "\(spelling.debugDescription) does not give \(phone.e164)"
        }
        return nil
    }
}
