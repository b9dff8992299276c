import Foundation

/// Credentials in `credentials.json` inside a private folder: folder 0700, file 0600, every write a temp file renamed
/// over the old one, so a crash never leaves half a file. One entry per server URL.
public struct FileTokenStore: TokenStore {
    public let folder: URL
    public var file: URL { folder.appendingPathComponent("credentials.json") }

    public init(folder: URL) {
        self.folder = folder
    }

    /// `$PHONEAUTH_HOME`, else `$XDG_CONFIG_HOME/phoneauth`, else `~/.config/phoneauth`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["PHONEAUTH_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("phoneauth") }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".config/phoneauth")
    }

    private struct Contents: Codable {
        var servers: [String: StoredCredentials]
    }

    /// Servers are told apart by scheme, host and port, without a trailing slash.
    static func key(for server: URL) -> String {
        var text = server.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    public func load(server: URL) throws(TokenStoreError) -> StoredCredentials? {
        try read().servers[Self.key(for: server)]
    }

    public func save(_ credentials: StoredCredentials, server: URL) throws(TokenStoreError) {
        var contents = (try? read()) ?? Contents(servers: [:])
        contents.servers[Self.key(for: server)] = credentials
        try write(contents)
    }

    public func clear(server: URL) throws(TokenStoreError) {
        var contents = try read()
        guard contents.servers.removeValue(forKey: Self.key(for: server)) != nil else { return }
        try write(contents)
    }

    private func read() throws(TokenStoreError) -> Contents {
        guard FileManager.default.fileExists(atPath: file.path) else { return Contents(servers: [:]) }
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw .unreadable(path: file.path, reason: error.localizedDescription) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let contents = try? decoder.decode(Contents.self, from: data) { return contents }
        // Kept for inspection, out of the way, so the next run starts logged out instead of failing again.
        let aside = folder.appendingPathComponent("credentials.json.corrupt")
        try? FileManager.default.removeItem(at: aside)
        do { try FileManager.default.moveItem(at: file, to: aside) } catch {
            throw .unreadable(path: file.path, reason: "not valid, and it could not be moved aside: \(error.localizedDescription)")
        }
        throw .corruptFileMovedAside(original: file.path, movedTo: aside.path)
    }

    private func write(_ contents: Contents) throws(TokenStoreError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
            let temp = folder.appendingPathComponent(".credentials.\(UUID().uuidString).tmp")
            guard manager.createFile(atPath: temp.path, contents: try encoder.encode(contents), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            // rename(2) replaces the old file in one step.
            guard rename(temp.path, file.path) == 0 else {
                try? manager.removeItem(at: temp)
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw .unwritable(path: file.path, reason: error.localizedDescription)
        }
    }
}
