import ArgumentParser
import ClientCore
import Foundation

/// `clientcli sessions list|revoke ID`.
struct SessionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sessions", abstract: "Your signed-in devices.", subcommands: [List.self, Revoke.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your sessions.")
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await reportingErrors {
                let sessions = try await server.session().sessions()
                if server.json { try printJSON(sessions); return }
                let formatter = ISO8601DateFormatter()
                printRows([["ID", "CURRENT", "LAST ACTIVITY", "IP", "USER AGENT"]] + sessions.map {
                    [$0.id, $0.current == true ? "*" : "", formatter.string(from: $0.lastActivityAt), $0.ip ?? "-", $0.userAgent ?? "-"]
                })
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "End one session.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The session id (see sessions list).") var id: String

        func run() async throws {
            try await reportingErrors {
                try await server.session().revokeSession(id: id)
                if !server.json { print("session \(id) ended") }
            }
        }
    }
}
