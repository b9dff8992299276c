import Foundation
import PhoneAuthAPI

/// What a profile update may contain: a name, an https image URL, a known language.
package struct ProfileValidator: Sendable {
    package let languages: Set<String>

    package init(languages: Set<String>) {
        self.languages = languages
    }

    package static let maxNameLength = 100
    package static let maxURLLength = 500

    package func validate(_ patch: ProfilePatch) throws(AppError) -> ProfileChanges {
        var changes = ProfileChanges()
        if let name = patch.fullName {
            changes.fullName = .some(try FieldRules.text(name, field: "full_name", maxLength: Self.maxNameLength))
        }
        if let url = patch.profileImageURL {
            changes.profileImageURL = .some(try validateURL(url))
        }
        if let language = patch.language {
            guard let language, languages.contains(language) else {
                throw .validation("language", "language must be one of \(languages.sorted().joined(separator: ", ")).")
            }
            changes.language = language
        }
        return changes
    }

    private func validateURL(_ value: String?) throws(AppError) -> String? {
        guard let text = try FieldRules.text(value, field: "profile_image_url", maxLength: Self.maxURLLength) else { return nil }
        guard let url = URL(string: text), url.scheme?.lowercased() == "https", let host = url.host, !host.isEmpty else {
            throw .validation("profile_image_url", "profile_image_url must be an https URL.")
        }
        return text
    }
}

/// `PATCH /api/v1/profile`: an absent key leaves the field alone, `null` clears it.
package struct ProfilePatch: Decodable {
    package var fullName: String??
    package var profileImageURL: String??
    package var language: String??

    /// ClientCore's `ProfileUpdate` keys: one spelling on both sides.
    package typealias CodingKeys = ProfileUpdate.CodingKeys

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        fullName = try Self.field(container, .fullName)
        profileImageURL = try Self.field(container, .profileImageURL)
        language = try Self.field(container, .language)
    }

    package static func field(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) throws -> String?? {
        guard container.contains(key) else { return nil }
        if try container.decodeNil(forKey: key) { return .some(nil) }
        return .some(try container.decode(String.self, forKey: key))
    }
}
