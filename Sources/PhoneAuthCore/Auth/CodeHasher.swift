import Crypto
import Foundation

/// Codes are stored only as HMAC-SHA256(pepper, phone ‖ code): a stolen database does not reveal live codes.
package struct CodeHasher: Sendable {
    private let key: SymmetricKey

    package init(pepper: [UInt8]) {
        key = SymmetricKey(data: pepper)
    }

    package func hash(phone: PhoneNumber, code: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data((phone.e164 + "|" + code).utf8), using: key))
    }

    /// Constant time: the comparison takes as long whichever byte differs. `e164` as stored.
    package func matches(_ stored: Data, e164: String, code: String) -> Bool {
        HMAC<SHA256>.isValidAuthenticationCode(stored, authenticating: Data((e164 + "|" + code).utf8), using: key)
    }
}
