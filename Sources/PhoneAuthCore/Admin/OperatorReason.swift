import Foundation

/// The free text an operator gives for a ban: as any free text (`FieldRules.text`: trimmed, no control characters,
/// which PostgreSQL's text could not hold anyway), at most 500 characters, none when blank. The admin API and the
/// console read it the same way; the console also requires one.
package enum OperatorReason {
    package static let maximumLength = 500

    package static func parse(_ text: String?, field: String) throws -> String? {
        try FieldRules.text(text, field: field, maxLength: maximumLength)
    }
}
