/// The body of `PATCH /api/v1/profile`: the fields to change. A nil field is not sent and stays as it is; the server
/// also takes an explicit `null`, which clears the field.
public struct ProfileUpdate: Codable, Sendable, Equatable {
    /// A new name; nil leaves it as is.
    public var fullName: String?
    /// A new `https` picture URL; nil leaves it as is.
    public var profileImageURL: String?
    /// A language the market offers; nil leaves it as is.
    public var language: String?

    /// A change of the given fields only.
    public init(fullName: String? = nil, profileImageURL: String? = nil, language: String? = nil) {
        self.fullName = fullName
        self.profileImageURL = profileImageURL
        self.language = language
    }

    package enum CodingKeys: String, CodingKey {
        case fullName = "full_name"
        case profileImageURL = "profile_image_url"
        case language
    }
}
