import Foundation

/// Credentials in `credentials.json` inside a private folder (see `PrivateJSONFile`), one entry per server URL.
public struct FileTokenStore: TokenStore {
    /// The folder holding `credentials.json` (0700).
    public let folder: URL
    /// The credentials file itself (0600).
    public var file: URL { folder.appendingPathComponent("credentials.json") }

    /// A store in `folder`; see ``defaultFolder(environment:)``.
    public init(folder: URL) {
        self.folder = folder
    }

    /// `$PHONEAUTH_HOME`, else `$XDG_CONFIG_HOME/phoneauth`, else `~/.config/phoneauth`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        if let home = environment["PHONEAUTH_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return URL(fileURLWithPath: xdg).appendingPathComponent("phoneauth") }
        // `$HOME` first, as shells and the XDG spec mean it; the account's home from the password database only without it.
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : URL(fileURLWithPath: $0) } ?? FileManager.default.homeDirectoryForCurrentUser
        return home.appendingPathComponent(".config/phoneauth")
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

    /// The credentials for `server`, or nil; a corrupt file is moved aside and reported.
    public func load(server: URL) throws(TokenStoreError) -> StoredCredentials? {
        try read().servers[Self.key(for: server)]
    }

    /// Keeps `credentials` for `server`, written atomically.
    public func save(_ credentials: StoredCredentials, server: URL) throws(TokenStoreError) {
        var contents = (try? read()) ?? Contents(servers: [:])
        contents.servers[Self.key(for: server)] = credentials
        try write(contents)
    }

    /// Forgets the credentials for `server`.
    public func clear(server: URL) throws(TokenStoreError) {
        var contents = try read()
        guard contents.servers.removeValue(forKey: Self.key(for: server)) != nil else { return }
        try write(contents)
    }

    private func read() throws(TokenStoreError) -> Contents {
        try PrivateJSONFile<Contents>(url: file).read() ?? Contents(servers: [:])
    }

    private func write(_ contents: Contents) throws(TokenStoreError) {
        try PrivateJSONFile<Contents>(url: file).write(contents)
    }
}
