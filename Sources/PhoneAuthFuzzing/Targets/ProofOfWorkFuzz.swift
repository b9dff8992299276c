import Foundation
import PhoneAuthCore

/// Proof-of-work challenges: a solution is accepted only with the challenge as issued (any byte changed is refused),
/// for the phone it was issued to, and carrying at least the work it asked for. Input: a flags byte (bit 0: alter
/// the token, bit 1: answer for another phone), the byte position and value to alter, then the solution.
enum ProofOfWorkFuzz {
    private static let work = ProofOfWork(
        pepper: Array(repeating: 7, count: 32), random: Fixed(), now: { Date(timeIntervalSince1970: 1_800_000_000) })
    private static let phone = try! PhoneNumber(parsing: "+996555123456")
    private static let other = try! PhoneNumber(parsing: "+996555123457")
    /// The least difficulty, so random solutions carry it often enough for the fuzzer to reach acceptance.
    private static let issued = work.issue(for: phone, difficulty: ProofOfWork.difficulties.lowerBound, lifetime: .seconds(300))

    static let target = FuzzTarget(
        name: "proof-of-work", property: "never accepts a solution for another phone, an altered challenge, or less work than asked"
    ) { bytes in
        guard bytes.count >= 3 else { return nil }
        var token = Array(issued.token.utf8)
        if bytes[0] & 1 == 1 { token[Int(bytes[1]) % token.count] = bytes[2] }
        let asked = String(decoding: token, as: UTF8.self)
        let solution = String(decoding: bytes.dropFirst(3), as: UTF8.self)
        let answeredFor = bytes[0] & 2 == 2 ? other : phone
        guard let accepted = try? work.check(token: asked, solution: solution, phone: answeredFor) else { return nil }
        guard asked == issued.token else { return "an altered challenge \(asked.debugDescription) was accepted" }
        guard answeredFor == phone else { return "a challenge was accepted for another phone" }
        guard accepted.difficulty == issued.difficulty, ProofOfWork.leadingZeroBits(of: asked, solution) >= issued.difficulty else {
            return "\(solution.debugDescription) was accepted with less work than asked"
        }
        return nil
    }

    /// The challenge's id bytes: any fixed value (only acceptance is under test).
    private struct Fixed: RandomSource {
        func bytes(_ count: Int) -> [UInt8] { Array(repeating: 42, count: count) }
        func uniform(_ upperBound: UInt32) -> UInt32 { 0 }
    }
}
