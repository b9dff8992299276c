import Foundation
import Histogram

enum Report {
    /// One JSON object on stdout; the first few errors on stderr.
    static func print(_ figures: [String: Double], errors: [String] = []) {
        let data = try! JSONSerialization.data(withJSONObject: figures, options: [.sortedKeys])
        Swift.print(String(decoding: data, as: UTF8.self))
        for error in errors.prefix(5) { FileHandle.standardError.write(Data("error: \(error)\n".utf8)) }
    }
}

extension Histogram<UInt64> {
    /// Values are microseconds.
    func milliseconds(at percentile: Double) -> Double { Double(valueAtPercentile(percentile)) / 1_000 }
}

extension Duration {
    var microseconds: Int64 { components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000 }
    var secondsDouble: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
