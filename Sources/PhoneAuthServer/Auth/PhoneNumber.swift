import Foundation

/// A phone number in canonical E.164 form (`+996555123456`): the one form stored, compared and sent.
struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    let e164: String

    /// Accepts `+` or a leading `00`, with spaces, dashes, dots and parentheses between digits; anything else is refused.
    /// Read scalar by scalar, ASCII only: a combining mark, a keycap, a full-width or Arabic-Indic digit or a zero-width
    /// character would otherwise make a second spelling of one number (its own cooldown, limits and deny-list miss).
    init(parsing raw: String) throws(AppError) {
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

    /// Safe for logs and console output: `+99655***456`.
    var masked: String { Self.mask(e164) }

    static func mask(_ e164: String) -> String {
        "\(e164.prefix(6))***\(e164.suffix(3))"
    }

    /// Never the full number, so string interpolation into a log cannot leak it.
    var description: String { masked }
}
