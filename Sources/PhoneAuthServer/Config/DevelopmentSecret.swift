import Foundation
import PhoneAuthCore

/// A random secret kept in a 0600 file, so a development server keeps its tokens valid across restarts
/// without anyone choosing a secret. Production never uses this.
enum DevelopmentSecret {
    static func loadOrCreate(folder: String, name: String, random: some RandomSource = SystemRandomSource()) throws
        -> (bytes: [UInt8], created: Bool)
    {
        let path = (folder as NSString).appendingPathComponent(name)
        if let text = try? String(contentsOfFile: path, encoding: .utf8) {
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.utf8.count >= AppConfig.minimumSecretBytes else {
                throw ConfigError("\(path) holds a secret shorter than \(AppConfig.minimumSecretBytes) bytes")
            }
            return (Array(trimmed.utf8), false)
        }
        // The data folder: private, as AppDatabase would have created it.
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let secret = random.bytes(32).hex
        guard FileManager.default.createFile(atPath: path, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw ConfigError("cannot write \(path)")
        }
        return (Array(secret.utf8), true)
    }
}
