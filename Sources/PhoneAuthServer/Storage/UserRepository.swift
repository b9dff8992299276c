import Foundation

/// What the profile endpoint may change. `nil` leaves a field alone; `.some(nil)` clears it.
struct ProfileChanges: Sendable, Equatable {
    var fullName: String??
    var profileImageURL: String??
    var language: String?
}

/// Users as the controllers see them.
protocol UserRepository: Sendable {
    func find(id: Int64) async throws -> User?
    func updateProfile(id: Int64, _ changes: ProfileChanges, now: Date) async throws -> User?
    func ping() async throws
}
