import Foundation

/// A phone number in canonical E.164 form (`+996555123456`): the one form stored, compared and sent.
package struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    package let e164: String

    /// Accepts `+` or a leading `00`, with spaces, dashes, dots and parentheses between digits; anything else is refused.
    /// Read scalar by scalar, ASCII only: a combining mark, a keycap, a full-width or Arabic-Indic digit or a zero-width
    /// character would otherwise make a second spelling of one number (its own cooldown, limits and deny-list miss).
    package init(parsing raw: String) throws(AppError) {
        var scalars = Substring(raw).unicodeScalars.drop { $0 == " " || $0 == "\t" }
        while let last = scalars.last, last == " " || last == "\t" { scalars = scalars.dropLast() }
        if scalars.first == "+" {
            scalars = scalars.dropFirst()
        } else if scalars.starts(with: "00".unicodeScalars) {
            scalars = scalars.dropFirst(2)
        } else {
            throw .invalidPhone  // no country code
        }
        var digits = ""
        for scalar in scalars {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case " ", "-", ".", "(", ")": continue
            default: throw .invalidPhone
            }
        }
        // E.164: at most 15 digits, country codes never start with 0; fewer than 8 is no real subscriber number.
        guard (8...15).contains(digits.unicodeScalars.count), digits.first != "0" else { throw .invalidPhone }
        e164 = "+" + digits
    }

    /// Safe for logs and console output: the country calling code and the last two digits, `+996***56`. (Showing
    /// more, as `+99655***456` did, leaves a number one short search away from whole.)
    package var masked: String { Self.mask(e164) }

    package static func mask(_ e164: String) -> String {
        let digits = e164.dropFirst()
        return "+\(digits.prefix(callingCodeLength(of: digits)))***\(e164.suffix(2))"
    }

    /// ITU-T E.164 calling codes are prefix-free: 1 and 7 stand alone, these two-digit ones too, every other is three.
    private static let twoDigitCallingCodes: Set<Substring> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49", "51", "52", "53", "54",
        "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    package static func callingCodeLength(of digits: Substring) -> Int {
        if digits.hasPrefix("1") || digits.hasPrefix("7") { return 1 }
        return twoDigitCallingCodes.contains(digits.prefix(2)) ? 2 : 3
    }

    /// Never the full number, so string interpolation into a log cannot leak it.
    package var description: String { masked }
}
