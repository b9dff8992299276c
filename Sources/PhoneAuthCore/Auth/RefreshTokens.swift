import Crypto
import Foundation

/// Opaque refresh tokens: 256 random bits, stored only as SHA-256. Also seals the pair handed out at a rotation, so a
/// client racing itself within the grace window can be given the same pair again without storing tokens in clear.
package struct RefreshTokens: Sendable {
    private let sealingKey: SymmetricKey
    package let random: any RandomSource

    package init(pepper: [UInt8], random: any RandomSource) {
        // A key of its own, derived from the pepper, so the two uses never share key material.
        sealingKey = SymmetricKey(data: SHA256.hash(data: pepper + Array("phoneauth refresh grace v1".utf8)))
        self.random = random
    }

    package func generate() -> String {
        random.bytes(32).base64URL
    }

    package func hash(_ token: String) -> Data {
        Data(SHA256.hash(data: Data(token.utf8)))
    }

    package struct Pair: Codable, Sendable, Equatable {
        package var accessToken: String
        package var refreshToken: String
    }

    package func seal(_ pair: Pair) throws -> Data {
        try AES.GCM.seal(JSONEncoder().encode(pair), using: sealingKey).combined!
    }

    package func open(_ sealed: Data) throws -> Pair {
        try JSONDecoder().decode(Pair.self, from: AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: sealingKey))
    }
}
