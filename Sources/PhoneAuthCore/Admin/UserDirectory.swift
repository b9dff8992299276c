import Foundation

/// What an operator reads about users, for the admin API and the console alike: a user by number, id or a piece of
/// a name or number, and the sessions, addresses and numbers behind a user page. Missing users are `AppError.notFound`.
package struct UserDirectory: Sendable {
    package let users: any UserRepository
    package let sessions: any SessionRepository
    package let addresses: any AddressRepository
    package let accounts: any AccountRepository

    package init(users: any UserRepository, sessions: any SessionRepository, addresses: any AddressRepository, accounts: any AccountRepository) {
        self.users = users
        self.sessions = sessions
        self.addresses = addresses
        self.accounts = accounts
    }

    /// Every number the user has had, oldest first.
    package func numbers(of id: Int64) async throws -> [NumberHistoryEntry] {
        try await accounts.numberHistory(userID: id)
    }

    package func find(phone: PhoneNumber) async throws -> User? {
        try await users.find(phone: phone.e164)
    }

    package func find(id: Int64) async throws -> User? {
        try await users.find(id: id)
    }

    /// The user, or 404 with `message`.
    package func user(id: Int64, message: String? = nil) async throws -> User {
        guard let user = try await users.find(id: id) else { throw message.map { AppError(.notFound, $0) } ?? AppError.notFound }
        return user
    }

    /// Users whose name or number contains `search`, at most its limit.
    package func search(_ search: UserSearch) async throws -> [User] {
        try await users.search(search)
    }

    /// Every session of the user, ended ones too.
    package func sessions(of id: Int64) async throws -> [UserSession] {
        try await sessions.listAll(userID: id)
    }
    /// The user's address book, oldest first.
    package func addresses(of id: Int64) async throws -> [Address] {
        try await addresses.list(userID: id)
    }

    package func countByMarket() async throws -> [String: Int] {
        try await users.countByMarket()
    }
}
