import Foundation

/// One HS256 key of the keyring, named by the `kid` its tokens carry.
package struct JWTKeyEntry: Sendable, Equatable {
    package var kid: String
    package var secret: [UInt8]

    package init(kid: String, secret: [UInt8]) {
        self.kid = kid
        self.secret = secret
    }

    /// The shortest HMAC key accepted (jwt-kit asserts on shorter ones); the code pepper is held to it too.
    package static let minimumSecretBytes = 32

    /// `kid:secret,kid:secret,…`, the signing key first (PHONEAUTH_JWT_KEYS).
    package static func parseList(_ text: String) throws -> [JWTKeyEntry] {
        try text.split(separator: ",").map { item in
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, parts[0].wholeMatch(of: /[A-Za-z0-9._-]{1,64}/) != nil else {
                throw ConfigError("JWT keys must be kid:secret pairs, kid of letters, digits, . _ -")
            }
            return JWTKeyEntry(kid: parts[0], secret: Array(parts[1].utf8))
        }
    }

    /// `{"keys":[{"kid":"k2","secret":"…"},…]}`, the signing key first.
    package static func loadFile(_ path: String) throws -> [JWTKeyEntry] {
        struct File: Decodable {
            struct Key: Decodable { var kid: String; var secret: String }
            var keys: [Key]
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("cannot read JWT keys file \(path)") }
        guard let file = try? JSONDecoder().decode(File.self, from: data) else {
            throw ConfigError("JWT keys file \(path) must be {\"keys\":[{\"kid\",\"secret\"}]}")
        }
        return file.keys.map { JWTKeyEntry(kid: $0.kid, secret: Array($0.secret.utf8)) }
    }

    /// A fresh key: 256 random bits, base64url, under a date-stamped kid.
    package static func generate(random: some RandomSource = SystemRandomSource(), now: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let suffix = random.bytes(2).hex
        let secret = random.bytes(32).base64URL
        return "k\(formatter.string(from: now))-\(suffix):\(secret)"
    }
}
