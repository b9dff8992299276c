import Foundation

/// What the profile endpoint may change. `nil` leaves a field alone; `.some(nil)` clears it.
struct ProfileChanges: Sendable, Equatable {
    var fullName: String??
    var profileImageURL: String??
    var language: String?
}

/// Users as the controllers see them.
protocol UserRepository: Sendable {
    /// nil when the user is gone, or, with `ifUnchangedSince`, when the row changed after that instant.
    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User?
    /// Whether the phone belongs to a disabled user (send-code then answers as usual but texts nothing).
    func isDisabled(phone: String) async throws -> Bool
    func ping() async throws
}
