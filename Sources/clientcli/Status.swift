import ArgumentParser
import ClientCore
import Foundation

/// Who is signed in on this server, and until when, from the credentials file alone (no network).
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show who is signed in and when the tokens expire (offline).")

    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingErrors {
            let sync = try server.sync()
            let session = sync.session
            guard let stored = try await session.credentials() else { throw PhoneAuthClientError.notAuthenticated }
            let cache = try FileProfileCacheStore(folder: FileTokenStore.defaultFolder()).load(server: session.client.baseURL)
            if server.json {
                try printJSON(stored.redacted)
                return
            }
            let formatter = ISO8601DateFormatter()
            printTable([
                ("server", session.client.baseURL.absoluteString),
                ("user", String(stored.userID)),
                ("market", stored.market),
                ("access token expires", formatter.string(from: stored.accessExpiresAt)),
                ("session expires", formatter.string(from: stored.refreshExpiresAt)),
                ("last sync", cache.lastSync.map { formatter.string(from: $0) } ?? "never"),
                ("queued edits", String(cache.pending.count)),
            ])
        }
    }
}

extension StoredCredentials {
    /// For `--json`: everything but the tokens themselves.
    var redacted: [String: String] {
        let formatter = ISO8601DateFormatter()
        return ["user_id": String(userID), "market": market, "access_expires_at": formatter.string(from: accessExpiresAt),
                "refresh_expires_at": formatter.string(from: refreshExpiresAt)]
    }
}

/// Two aligned columns for people.
func printTable(_ rows: [(String, String)]) {
    printRows(rows.map { [$0.0, $0.1] })
}
