import Foundation
import Hummingbird
import PhoneAuthCore

/// A posted HTML form (`application/x-www-form-urlencoded`), at most 16 KiB. Repeated names keep the first value.
struct ConsoleForm: Sendable {
    static let maximumBytes = 16 * 1024

    private(set) var fields: [String: String] = [:]

    init(_ text: String) {
        for (name, value) in Self.pairs(text) where fields[name] == nil {
            fields[name] = value
        }
    }

    /// Every name and value in order, repeats included (what a signature over the fields covers); a part that does not
    /// decode is left out.
    static func pairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&", omittingEmptySubsequences: true).compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = decode(parts[0]) else { return nil }
            return (name, parts.count > 1 ? decode(parts[1]) ?? "" : "")
        }
    }

    static func read(_ request: Request) async throws -> ConsoleForm {
        var request = request
        let body: ByteBuffer
        do {
            body = try await request.collectBody(upTo: maximumBytes)
        } catch {
            throw AppError.payloadTooLarge
        }
        return ConsoleForm(String(buffer: body))
    }

    subscript(name: String) -> String? { fields[name] }

    /// The field, trimmed; nil when missing or blank.
    func text(_ name: String) -> String? {
        guard let value = fields[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    private static func decode(_ part: Substring) -> String? {
        part.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
