import ArgumentParser
import Foundation
import PhoneAuthCore

/// Needs only the database: no secrets are read or generated.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: AdminCommand.DatabaseOption

    func run() async throws {
        let setting = try options.setting
        let isNew = if case .sqlite(let path) = setting { !FileManager.default.fileExists(atPath: path) } else { false }
        try await options.withStorage(creating: true) { _ in
            print(isNew ? "created database \(setting); its schema is up to date" : "database \(setting) is up to date")
        }
    }
}
