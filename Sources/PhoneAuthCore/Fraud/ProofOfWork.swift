import Crypto
import Foundation

/// Self-hosted proof-of-work challenges for send-code under suspicion (issue 14): the server issues a signed,
/// expiring challenge bound to one phone; the client finds a `solution` such that SHA-256(`token` ":" `solution`) starts
/// with `difficulty` zero bits and repeats its request with both. Checking costs one HMAC and one SHA-256; single use
/// is the caller's part (`ChallengeRepository.redeem` with the returned id), so a solved challenge never buys two SMS.
///
/// Token: `c1.<id>.<phone tag>.<difficulty>.<expires, unix seconds>.<HMAC-SHA256 of the rest>`, all base64url or
/// decimal; the phone appears only as a keyed tag, so a token says nothing about whom it was for.
package struct ProofOfWork: Sendable {
    private let key: SymmetricKey
    package let random: any RandomSource
    package let now: WallClock

    /// The difficulties a policy may ask for: 8 bits is instant, 24 bits is seconds on a phone.
    package static let difficulties = 8...24

    package init(pepper: [UInt8], random: any RandomSource, now: @escaping WallClock) {
        key = SymmetricKey(data: SHA256.hash(data: pepper + Array("phoneauth proof of work v1".utf8)))
        self.random = random
        self.now = now
    }

    package struct Issued: Sendable, Equatable {
        package var token: String
        package var difficulty: Int
        package var expiresAt: Date
    }

    /// A redeemable challenge: its id and until when it must be remembered as used.
    package struct Accepted: Sendable, Equatable {
        package var id: String
        package var expiresAt: Date
        /// The work it carried, in leading zero bits as issued.
        package var difficulty: Int
    }

    package enum Rejection: Error, Equatable {
        /// Not a token of ours, altered, or for another phone: indistinguishable on purpose.
        case invalid
        case expired
        /// The solution does not carry the work the token asks for.
        case insufficientWork
    }

    package func issue(for phone: PhoneNumber, difficulty: Int, lifetime: Duration) -> Issued {
        let level = min(max(difficulty, Self.difficulties.lowerBound), Self.difficulties.upperBound)
        let expires = Int(now().addingTimeInterval(lifetime.seconds).timeIntervalSince1970)
        let body = ["c1", random.bytes(16).base64URL, tag(phone), String(level), String(expires)].joined(separator: ".")
        return Issued(token: body + "." + signature(body), difficulty: level, expiresAt: Date(timeIntervalSince1970: TimeInterval(expires)))
    }

    /// Signature, phone, expiry and work, in that order (the cheap checks first); nothing is stored.
    package func check(token: String, solution: String, phone: PhoneNumber) throws(Rejection) -> Accepted {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard token.utf8.count <= 256, parts.count == 6, parts[0] == "c1", let difficulty = Int(parts[3]),
            Self.difficulties.contains(difficulty), let expires = Int(parts[4])
        else { throw .invalid }
        let body = parts[0..<5].joined(separator: ".")
        guard ConstantTime.equal(Array(parts[5].utf8), Array(signature(body).utf8)), parts[2] == tag(phone) else { throw .invalid }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(expires))
        guard now() < expiresAt else { throw .expired }
        guard (1...64).contains(solution.utf8.count), Self.leadingZeroBits(of: token, solution) >= difficulty else { throw .insufficientWork }
        return Accepted(id: String(parts[1]), expiresAt: expiresAt, difficulty: difficulty)
    }

    /// Counts the zero bits SHA-256(`token` ":" `solution`) starts with.
    package static func leadingZeroBits(of token: String, _ solution: String) -> Int {
        var bits = 0
        for byte in SHA256.hash(data: Data((token + ":" + solution).utf8)) {
            guard byte == 0 else { return bits + byte.leadingZeroBitCount }
            bits += 8
        }
        return bits
    }

    /// What a client does: the first decimal counter that carries the work (2^difficulty tries on average).
    package static func solve(token: String, difficulty: Int) -> String {
        var counter = 0
        while leadingZeroBits(of: token, String(counter)) < difficulty { counter += 1 }
        return String(counter)
    }

    private func tag(_ phone: PhoneNumber) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(("phone:" + phone.e164).utf8), using: key)).prefix(12).map { $0 }.base64URL
    }

    private func signature(_ body: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key)).base64URL
    }
}
