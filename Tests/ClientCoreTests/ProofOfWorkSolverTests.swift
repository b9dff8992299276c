import Foundation
import Testing

@testable import ClientCore

/// ClientCore's own SHA-256 (Foundation only) and the solver built on it. (Against a real server: ClientChallengeTests.)
@Suite struct ProofOfWorkSolverTests {
    private func hex(_ text: String, chunked: Bool = false) -> String {
        var digest = SHA256Digest()
        let bytes = Array(text.utf8)
        if chunked {
            // Fed in uneven pieces, as the solver feeds a prefix and then a counter.
            var start = 0
            for size in [1, 63, 2, 64, 65, 7] where start < bytes.count {
                digest.update(Array(bytes[start..<min(bytes.count, start + size)]))
                start += size
            }
            if start < bytes.count { digest.update(Array(bytes[start...])) }
        } else {
            digest.update(bytes)
        }
        return digest.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// FIPS 180-2's examples and the edges of the padding (55, 56 and 64 bytes).
    @Test func theDigestMatchesTheStandardsVectors() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let long = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
        #expect(hex(long) == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(hex(long, chunked: true) == hex(long))
        #expect(hex(String(repeating: "a", count: 55)) == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        #expect(hex(String(repeating: "a", count: 56)) == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
        #expect(hex(String(repeating: "a", count: 64)) == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
        let text = String(repeating: "0123456789", count: 30)
        #expect(hex(text, chunked: true) == hex(text))
    }

    @Test func aSolutionCarriesTheWorkAskedFor() async throws {
        let challenge = ProofOfWorkChallenge(token: "c1.abc.def.12.1900000000.sig", difficulty: 12, expiresIn: 300)
        let solution = try #require(await challenge.solve())
        var digest = SHA256Digest()
        digest.update(Array("\(challenge.token):\(solution)".utf8))
        #expect(ProofOfWorkChallenge.leadingZeroBits(digest.finalize()) >= 12)
        // The first such counter: no smaller one carries the work.
        for smaller in 0..<Int(solution)! {
            var other = SHA256Digest()
            other.update(Array("\(challenge.token):\(smaller)".utf8))
            #expect(ProofOfWorkChallenge.leadingZeroBits(other.finalize()) < 12)
        }
    }

    @Test func solvingStopsWhenTheTaskIsCancelled() async {
        // 24 bits takes millions of tries; cancelled at once, the solver gives up rather than running on.
        let challenge = ProofOfWorkChallenge(token: "c1.x", difficulty: 24, expiresIn: 300)
        let task = Task { await challenge.solve() }
        task.cancel()
        #expect(await task.value == nil)
    }
}
