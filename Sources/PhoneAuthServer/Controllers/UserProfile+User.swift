import PhoneAuthAPI
import PhoneAuthCore

extension UserProfile {
    /// The user as clients see them: the row just read (so it has its id), minus server-only columns
    /// (`tokens_valid_after`).
    init(_ user: User) {
        self.init(
            id: user.id ?? 0, phoneNumber: user.phoneNumber, fullName: user.fullName, profileImageURL: user.profileImageURL,
            isActive: user.isActive, isVerified: user.isVerified, market: user.market, language: user.language,
            country: user.country, lastLogin: user.lastLogin, createdAt: user.createdAt, updatedAt: user.updatedAt)
    }
}
