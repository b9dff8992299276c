import Foundation

/// A silent sign-in under way: what the server keeps between `start` and `verify` (the id only as its hash).
package struct NetworkFlow: Sendable, Equatable {
    package var idHash: Data
    package var phoneNumber: String
    package var state: String
    package var clientChallenge: String
    package var expiresAt: Date
    package var createdAt: Date

    package init(
        idHash: Data, phoneNumber: String, state: String, clientChallenge: String, expiresAt: Date, createdAt: Date
    ) {
        (self.idHash, self.phoneNumber, self.state, self.clientChallenge) = (idHash, phoneNumber, state, clientChallenge)
        (self.expiresAt, self.createdAt) = (expiresAt, createdAt)
    }
}
