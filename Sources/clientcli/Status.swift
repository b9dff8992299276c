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

/// `status --json`: everything but the tokens themselves.
struct StatusReport: Encodable {
    var userID: Int64
    var market: String
    var accessExpiresAt: Date
    var refreshExpiresAt: Date

    enum CodingKeys: String, CodingKey {
        case market
        case userID = "user_id"
        case accessExpiresAt = "access_expires_at"
        case refreshExpiresAt = "refresh_expires_at"
    }
}

extension StoredCredentials {
    var redacted: StatusReport {
        StatusReport(userID: userID, market: market, accessExpiresAt: accessExpiresAt, refreshExpiresAt: refreshExpiresAt)
    }
}

/// Two aligned columns for people.
func printTable(_ rows: [(String, String)]) {
    printRows(rows.map { [$0.0, $0.1] })
}
