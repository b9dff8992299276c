import Foundation

/// A proof-of-work challenge a server answered send-code with (428 `challenge_required`): find a `solution` such
/// that SHA-256(`token` ":" `solution`) starts with `difficulty` zero bits, within `expiresIn` seconds.
/// `PhoneAuthClient.sendCode` solves it and asks again by itself.
public struct ProofOfWorkChallenge: Sendable, Equatable {
    /// The signed challenge, sent back with the solution.
    public var token: String
    /// Leading zero bits the SHA-256 of token and solution must have.
    public var difficulty: Int
    /// Seconds the challenge stays valid.
    public var expiresIn: Int

    /// A challenge as the server's 428 answer describes it.
    public init(token: String, difficulty: Int, expiresIn: Int) {
        self.token = token
        self.difficulty = difficulty
        self.expiresIn = expiresIn
    }

    /// How solving goes, reported a few times a second.
    public struct Progress: Sendable, Equatable {
        /// The challenge's difficulty in bits.
        public var difficulty: Int
        /// Candidates tried so far (2^difficulty are needed on average).
        public var attempts: Int
        /// Time spent so far.
        public var elapsed: Duration

        /// Progress so far.
        public init(difficulty: Int, attempts: Int, elapsed: Duration) {
            self.difficulty = difficulty
            self.attempts = attempts
            self.elapsed = elapsed
        }
    }

    /// The first decimal counter that carries the work, as the server's reference solver finds it. Yields to other
    /// tasks as it goes; nil when the task is cancelled or the challenge expires first.
    public func solve(progress: (@Sendable (Progress) -> Void)? = nil) async -> String? {
        let started = ContinuousClock.now
        var prefix = SHA256Digest()
        prefix.update(Array((token + ":").utf8))
        var lastReport = started
        var counter = 0
        while true {
            var candidate = prefix
            candidate.update(Array(String(counter).utf8))
            if Self.leadingZeroBits(candidate.finalize()) >= difficulty { return String(counter) }
            counter += 1
            guard counter % 4_096 == 0 else { continue }
            let now = ContinuousClock.now
            if Task.isCancelled || now - started > .seconds(expiresIn) { return nil }
            if now - lastReport >= .milliseconds(250) {
                lastReport = now
                progress?(Progress(difficulty: difficulty, attempts: counter, elapsed: now - started))
            }
            await Task.yield()
        }
    }

    static func leadingZeroBits(_ digest: [UInt8]) -> Int {
        var bits = 0
        for byte in digest {
            guard byte == 0 else { return bits + byte.leadingZeroBitCount }
            bits += 8
        }
        return bits
    }
}
