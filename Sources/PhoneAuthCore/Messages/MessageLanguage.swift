/// The languages codes are sent in. A client's own choice wins when it is one of these, then the user's language,
/// then the market's default; anything else falls back to English.
package enum MessageLanguage: String, Sendable, CaseIterable {
    case english = "en"
    case russian = "ru"
    case kyrgyz = "ky"

    /// The first of `preferences` (BCP 47 tags such as `ru-KG`; only the primary subtag counts) that is supported.
    package static func pick(_ preferences: String?...) -> MessageLanguage {
        for preference in preferences.compactMap(\.self) {
            let primary = preference.split(separator: "-", maxSplits: 1).first.map { $0.lowercased() } ?? ""
            if let language = MessageLanguage(rawValue: primary) { return language }
        }
        return .english
    }
}
