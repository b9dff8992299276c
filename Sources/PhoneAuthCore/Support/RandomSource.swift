import Foundation

/// Where codes, ids and secrets get their randomness. The system one is the OS CSPRNG; tests may inject another.
package protocol RandomSource: Sendable {
    func bytes(_ count: Int) -> [UInt8]
    /// A uniformly distributed integer in `0..<upperBound`.
    func uniform(_ upperBound: UInt32) -> UInt32
}

extension RandomSource {
    /// A decimal one-time code of `digits` digits, leading zeros kept.
    package func numericCode(digits: Int) -> String {
        (0..<digits).map { _ in String(uniform(10)) }.joined()
    }
}

package struct SystemRandomSource: RandomSource {

    package init() {
    }

    package func bytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    package func uniform(_ upperBound: UInt32) -> UInt32 {
        var generator = SystemRandomNumberGenerator()
        return UInt32.random(in: 0..<upperBound, using: &generator)
    }
}
