import Foundation
import Hummingbird
import PhoneAuthCore

/// What an `Idempotency-Key` does, for every endpoint that takes one: the first request under a key runs and its
/// answer is stored; a repeat for the same subject gets that answer again and runs nothing; a repeat while the first
/// still runs is 409 `idempotency_key_in_use`; the key reused for another subject is 422 `idempotency_key_reused`; a
/// first try that fails frees the key, so retrying with it is a fresh attempt.
struct IdempotentRequest: Sendable {
    let store: any IdempotencyRepository

    /// `key`: already scoped by the caller (to a network, a user) so that keys of different callers never meet.
    /// `subject`: what a repeat must be about to be replayed (the phone, the user). `work` runs on a fresh claim, its
    /// result is stored as `status` and answered by `respond`; a replay is answered by `replay` from the stored body.
    func run<Result: Encodable & Sendable>(
        key: String, subject: String, expiresAt: Date, now: Date, status: HTTPResponse.Status,
        work: () async throws -> Result, respond: (Result) throws -> Response, replay: (HTTPResponse.Status, Data) -> Response
    ) async throws -> Response {
        switch try await store.claim(key: key, phone: subject, expiresAt: expiresAt, now: now) {
        case .replay(let code, let body):
            return replay(.init(code: code), body)
        case .inProgress:
            throw AppError.idempotencyKeyInUse
        case .mismatch:
            throw AppError.idempotencyKeyReused
        case .claimed:
            do {
                let result = try await work()
                try await store.complete(key: key, status: status.code, body: try JSONCoding.encoder.encode(result))
                return try respond(result)
            } catch {
                try await store.release(key: key)
                throw error
            }
        }
    }
}
