import Crypto
import Foundation

/// The services allowed to ask `POST /auth/introspect` whether a token is good: client id → secret, given as
/// `ID:SECRET`. Only SHA-256 digests of the secrets are kept, and they are compared in constant time.
package struct IntrospectionClients: Sendable, Equatable {
    private var digests: [String: Data] = [:]

    package static let minimumSecretLength = 16

    package init() {}

    /// `ID:SECRET` entries (repeatable flag, or comma-separated in the environment).
    package init(parsing entries: [String]) throws {
        for (index, entry) in entries.enumerated() {
            // The entry itself is never repeated in the message: it may be a secret given without its id.
            guard let colon = entry.firstIndex(of: ":") else {
                throw ConfigError("introspection client number \(index + 1) must be ID:SECRET")
            }
            let id = String(entry[..<colon])
            let secret = String(entry[entry.index(after: colon)...])
            guard !id.isEmpty, id.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
                throw ConfigError("an introspection client id must be letters, digits, - _ or .")
            }
            guard secret.utf8.count >= Self.minimumSecretLength else {
                throw ConfigError("the introspection secret of \(id) must be at least \(Self.minimumSecretLength) characters")
            }
            guard digests[id] == nil else { throw ConfigError("introspection client \(id) is given twice") }
            digests[id] = Self.digest(secret)
        }
    }

    package var count: Int { digests.count }

    /// Whether `Authorization: Basic …` names a configured client with its secret (RFC 7617; id and secret are
    /// form-encoded first, as RFC 6749 §2.3.1 asks).
    package func authenticates(_ header: String?) -> Bool {
        guard let header, header.count < 2048 else { return false }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic", let data = Data(base64Encoded: String(parts[1])),
            let text = String(data: data, encoding: .utf8), let colon = text.firstIndex(of: ":")
        else { return false }
        let id = String(text[..<colon]).removingPercentEncoding ?? ""
        let secret = String(text[text.index(after: colon)...]).removingPercentEncoding ?? ""
        // Always one digest comparison, known id or not, so timing does not tell which ids exist.
        let expected = digests[id] ?? Self.digest("\u{0}unknown client")
        return ConstantTime.equal(expected, Self.digest(secret)) && digests[id] != nil
    }

    private static func digest(_ secret: String) -> Data {
        Data(SHA256.hash(data: Data(secret.utf8)))
    }
}
