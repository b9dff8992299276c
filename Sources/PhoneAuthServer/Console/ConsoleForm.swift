import Foundation
import Hummingbird
import PhoneAuthCore

/// A posted HTML form (`application/x-www-form-urlencoded`), at most 16 KiB. Repeated names keep the first value.
struct ConsoleForm: Sendable {
    static let maximumBytes = 16 * 1024

    private(set) var fields: [String: String] = [:]

    init(_ text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), fields[name] == nil else { continue }
            fields[name] = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
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
