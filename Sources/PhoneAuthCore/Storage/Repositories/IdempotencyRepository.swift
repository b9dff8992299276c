import Foundation

/// What a stored Idempotency-Key says about a repeated request.
package enum IdempotencyClaim: Sendable, Equatable {
    /// First use: the caller must `complete` it.
    case claimed
    /// Answered before: replay this status and body.
    case replay(status: Int, body: Data)
    case inProgress
    /// The key was used for another phone.
    case mismatch
}

package protocol IdempotencyRepository: Sendable {
    /// Atomically: of concurrent claims of one key exactly one gets `.claimed`; expired keys are forgotten first.
    func claim(key: String, phone: String, expiresAt: Date, now: Date) async throws -> IdempotencyClaim
    func complete(key: String, status: Int, body: Data) async throws
    /// Forgets a claimed key whose request failed, so a retry with it is a fresh attempt.
    func release(key: String) async throws
}
