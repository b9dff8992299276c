import Crypto
import Foundation

/// The name of one send: 144 random bits the client keeps, stored only as a hash, looked up by it on verify.
package enum VerificationID {
    /// Bytes of randomness: 144 bits, 24 characters of base64url after a `v` (so an id never starts with `-` and reads
    /// as an option on a command line).
    package static let randomBytes = 18

    package static func make(random: any RandomSource) -> String {
        "v" + random.bytes(randomBytes).base64URL
    }

    /// What is stored of a verification id: its SHA-256 (the id carries 144 random bits, so no salt or pepper is needed).
    package static func hash(_ verificationID: String) -> Data {
        Data(SHA256.hash(data: Data(verificationID.utf8)))
    }

    /// Whether a client's text can be a verification id at all; anything else is a malformed request.
    package static func isWellFormed(_ verificationID: String) -> Bool {
        let bytes = verificationID.utf8
        return bytes.count == 25 && bytes.first == UInt8(ascii: "v") && bytes.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
        }
    }
}
