import Foundation

/// What the console's user search looks for: users whose name contains the text, or, when the text is written with
/// phone characters only and has three digits or more, whose number contains those digits. Both backends run the
/// same patterns (`LIKE … ESCAPE '\'`, so `%` and `_` in the text are only themselves); names match without regard to
/// case (on SQLite for Latin letters only, on PostgreSQL for every letter). Newest sign-in first.
package struct UserSearch: Sendable, Equatable {
    package static let minimumLength = 2
    package static let maximumLength = 100

    /// `%text%` for the name, or nil when the text holds a control character, which no stored name does
    /// (`FieldRules`; PostgreSQL could not even take a NUL in the pattern).
    package var namePattern: String?
    /// `%digits%` for the number, or nil when the text is not a piece of a phone number.
    package var phonePattern: String?
    package var limit: Int

    /// nil when the text is too long (as sent) or too short (without the white space around it) to search by.
    /// Counted in Unicode scalars, as the API's schema (JSON Schema's `minLength`/`maxLength`) counts them.
    package init?(_ raw: String, limit: Int = 50) {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard raw.unicodeScalars.count <= Self.maximumLength, text.unicodeScalars.count >= Self.minimumLength, limit > 0 else { return nil }
        let control = text.unicodeScalars.contains { CharacterSet.controlCharacters.contains($0) }
        namePattern = control ? nil : "%" + Self.literal(text) + "%"
        let digits = text.filter { $0.isASCII && $0.isNumber }
        let phoneLike = text.allSatisfy { ($0.isASCII && $0.isNumber) || "+ -().".contains($0) }
        phonePattern = phoneLike && digits.count >= 3 ? "%" + digits + "%" : nil
        self.limit = limit
    }

    /// `text` with LIKE's wildcards and its escape character taken literally.
    package static func literal(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
