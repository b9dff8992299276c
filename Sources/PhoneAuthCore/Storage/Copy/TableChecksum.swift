import Crypto
import Foundation

/// A table's rows, counted and summed so that two backends holding the same rows agree whatever order they read them
/// in: each row's canonical values (`CopiedValue.canonical`, each prefixed by its length so no two rows run together)
/// are hashed with SHA-256, and the first 8 bytes of each hash are added up, wrapping.
package struct TableChecksum: Sendable, Equatable, CustomStringConvertible {
    package private(set) var rows = 0
    package private(set) var sum: UInt64 = 0

    package init() {}

    package mutating func add(_ row: [CopiedValue]) {
        var text = ""
        for value in row {
            let canonical = value.canonical
            text += "\(canonical.utf8.count):\(canonical)"
        }
        let digest = SHA256.hash(data: Data(text.utf8))
        sum &+= digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        rows += 1
    }

    package var description: String { "\(rows) rows, checksum \(String(format: "%016llx", sum))" }
}
