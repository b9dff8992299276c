import Crypto
import Foundation

/// What rows keep of a phone number or a network address once its account is erased: a keyed hash (HMAC-SHA256 under
/// the pepper), so a number released into quarantine is still recognised at sign-in while no table names it. The
/// digest starts with `#`, which no E.164 number or IP address does, so per-phone and per-network limits never count
/// an erased account's rows as anyone's.
package struct PhoneDigest: Sendable {
    private let key: SymmetricKey

    package init(pepper: [UInt8]) {
        key = SymmetricKey(data: pepper)
    }

    /// `#` and 32 hex digits (the first 128 bits of the MAC).
    package func callAsFunction(_ value: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(("phoneauth-erased|" + value).utf8), using: key)
        return "#" + mac.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
