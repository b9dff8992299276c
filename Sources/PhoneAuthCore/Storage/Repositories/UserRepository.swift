import Foundation

/// What the profile endpoint may change. `nil` leaves a field alone; `.some(nil)` clears it.
package struct ProfileChanges: Sendable, Equatable {
    package var fullName: String??
    package var profileImageURL: String??
    package var language: String?
}

package enum UserRole: String, Sendable, CaseIterable {
    case user, admin
}

/// Every read and write of a user row. (Creating or activating a user at sign-in, and deactivating one at global
/// logout, happen inside the verification's and the session's transactions, through this aggregate's queries.)
package protocol UserRepository: Sendable {
    func find(id: Int64) async throws -> User?
    /// `phone` in E.164.
    func find(phone: String) async throws -> User?
    /// Atomically: with `ifUnchangedSince`, applies the change only if the row's `updated_at` is still that instant
    /// (checked and written under one lock). nil when the user is gone or the row changed.
    func updateProfile(id: Int64, _ changes: ProfileChanges, ifUnchangedSince: Date?, now: Date) async throws -> User?
    /// The user of `phone` (E.164), made if the number has not signed in yet: inactive, unverified, with the market's
    /// defaults, so that an operator can give it a role before its first sign-in (which then activates this row).
    func reserve(phone: String, defaults: NewUserDefaults, now: Date) async throws -> User
    /// A role change stamps `permissions_updated_at`, so older tokens turn stale. nil when there is no such user.
    func setRole(userID: Int64, role: UserRole, now: Date) async throws -> User?
    /// A ban, atomically: stamps `disabled_at` and `tokens_valid_after` (every earlier access token fails, also after
    /// re-enabling) and revokes every session of the user. Disabling a disabled user keeps the first instant and
    /// updates the reason. nil when there is no such user.
    func disable(userID: Int64, reason: String?, now: Date) async throws -> User?
    /// Lifts a ban; sessions that ended with it stay ended. nil when there is no such user.
    func enable(userID: Int64, now: Date) async throws -> User?
    /// Users whose name or number matches (see `UserSearch`), most recent sign-in first, at most `search.limit`.
    func search(_ search: UserSearch) async throws -> [User]
    /// Users per market code (the console's markets page); markets without users are absent.
    func countByMarket() async throws -> [String: Int]
}
