import ArgumentParser
import ClientCore
import Foundation

/// `clientcli sync`: pushes edits made offline, then refreshes the cached profile and addresses.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync", abstract: "Send edits made offline and refresh the cached profile and addresses.")

    @OptionGroup var server: ServerOptions

    func run() async throws {
        try await reportingErrors {
            let report = try await server.sync().sync()
            for dropped in report.dropped {
                FileHandle.standardError.write(Data("clientcli: an offline edit was refused (\(dropped.code)); the server's version stands\n".utf8))
            }
            if server.json {
                try printJSON(["pushed": report.pushed, "dropped": report.dropped.count])
            } else {
                print("synced: \(report.pushed) edit(s) sent, \(report.dropped.count) refused")
            }
        }
    }
}
