import Foundation

/// Small checks shared by the profile and address validators.
package enum FieldRules {
    /// Trims the value; empty becomes nil. Longer than `maxLength` Unicode scalars, or holding control characters, is
    /// refused. Scalars, not `Character`s: one grapheme cluster can hold thousands of combining marks (14 KB that
    /// counted as one character), so only a scalar count bounds the bytes stored (at most 4 UTF-8 bytes each).
    package static func text(_ value: String?, field: String, maxLength: Int) throws(AppError) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else { return nil }
        guard trimmed.unicodeScalars.count <= maxLength else { throw .validation(field, "\(field) must be at most \(maxLength) characters.") }
        guard !trimmed.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }) else {
            throw .validation(field, "\(field) must not contain control characters.")
        }
        return trimmed
    }

    package static func required(_ value: String?, field: String, maxLength: Int) throws(AppError) -> String {
        guard let text = try text(value, field: field, maxLength: maxLength) else { throw .validation(field, "\(field) is required.") }
        return text
    }

    package static func matches(_ value: String, pattern: String) -> Bool {
        guard let regex = try? Regex(pattern) else { return false }
        return value.firstMatch(of: regex) != nil
    }
}
