import Foundation
import PhoneAuthCore

/// Files that hold secrets (keyrings, the ES256 key, SMS credentials, development secrets) must be private to the
/// server's user. Production refuses to start on a file group or others can read; development tightens it to 0600
/// and says so.
enum SecretFilePolicy {
    static func enforce(_ path: String, mode: AppConfig.Mode, log: (String) -> Void) throws {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let permissions = (attributes[.posixPermissions] as? NSNumber)?.uint16Value
        else { return }  // unreadable files are reported by whoever reads them
        guard permissions & 0o077 != 0 else { return }
        let shown = String(permissions & 0o777, radix: 8)
        guard mode == .development else {
            throw ConfigError("\(path) holds secrets but is readable by group or others (mode \(shown)); chmod 600 it")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        log("warning: \(path) was readable by group or others (mode \(shown)); changed it to 600")
    }
}
