import Foundation

/// A phone number in canonical E.164 form (`+996555123456`): the one form stored, compared and sent.
struct PhoneNumber: Sendable, Hashable, CustomStringConvertible {
    let e164: String

    /// Accepts `+` or a leading `00`, with spaces, dashes, dots and parentheses between digits; anything else is refused.
    init(parsing raw: String) throws(AppError) {
        var text = Substring(raw.trimmingCharacters(in: .whitespaces))
        if text.hasPrefix("+") {
            text = text.dropFirst()
        } else if text.hasPrefix("00") {
            text = text.dropFirst(2)
        } else {
            throw .invalidPhone  // no country code
        }
        var digits = ""
        for character in text {
            switch character {
            case "0"..."9": digits.append(character)
            case " ", "-", ".", "(", ")": continue
            default: throw .invalidPhone
            }
        }
        // E.164: at most 15 digits, country codes never start with 0; fewer than 8 is no real subscriber number.
        guard (8...15).contains(digits.count), digits.first != "0" else { throw .invalidPhone }
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
