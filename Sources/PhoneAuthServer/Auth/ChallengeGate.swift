import Foundation

/// The proof-of-work side of a send: checks a solved challenge once (signed for this phone, unexpired, enough work,
/// never used before) and issues a new one when the admission asks for it.
struct ChallengeGate: Sendable {
    let proofOfWork: ProofOfWork
    let challenges: any ChallengeRepository
    /// How long an issued challenge may be solved for.
    let lifetime: Duration
    let metrics: ServerMetrics
    let activity: ActivityRecorder
    let now: WallClock

    /// A challenge a client solved, sent back with its send-code.
    struct Answer: Sendable, Equatable {
        var token: String
        var solution: String
    }

    /// Why a challenge answer does not count (the send is then screened as without one).
    struct Rejected: Error {
        var message: String
    }

    /// The difficulty the answer carried when it is good and now used; otherwise why it is not.
    func redeem(_ answer: Answer, phone: PhoneNumber) async throws -> Result<Int, Rejected> {
        let accepted: ProofOfWork.Accepted
        do {
            accepted = try proofOfWork.check(token: answer.token, solution: answer.solution, phone: phone)
        } catch {
            metrics.challenge(.rejected)
            return switch error {
            case .invalid: .failure(.init(message: "The challenge sent is not valid for this phone."))
            case .expired: .failure(.init(message: "The challenge sent has expired."))
            case .insufficientWork: .failure(.init(message: "The solution does not solve the challenge."))
            }
        }
        guard try await challenges.redeem(id: accepted.id, expiresAt: accepted.expiresAt, now: now()) else {
            metrics.challenge(.rejected)
            return .failure(.init(message: "The challenge sent was already used."))
        }
        metrics.challenge(.solved)
        return .success(accepted.difficulty)
    }

    /// The 428 that carries a fresh challenge of `difficulty`, with why an answer sent did not count.
    func challenge(_ phone: PhoneNumber, difficulty: Int, market: Market, rejection: String?) -> AppError {
        let issued = proofOfWork.issue(for: phone, difficulty: difficulty, lifetime: lifetime)
        metrics.challenge(.issued)
        activity.record(.challenged, market: market.code)
        return AppError.challengeRequired(.init(token: issued.token, difficulty: issued.difficulty, expiresIn: Int(lifetime.seconds)), why: rejection)
    }
}
