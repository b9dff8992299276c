import Foundation

/// The free text an operator gives for a ban: trimmed, at most 500 characters, none when blank. The admin API and
/// the console read it the same way; the console also requires one.
package enum OperatorReason {
    package static let maximumLength = 500

    package static func parse(_ text: String?, field: String) throws -> String? {
        guard let text else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count <= maximumLength else {
            throw AppError.validation(field, "\(field) must be at most \(maximumLength) characters.")
        }
        return trimmed.isEmpty ? nil : trimmed
    }
}
