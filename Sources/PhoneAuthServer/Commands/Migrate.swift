import ArgumentParser
import PhoneAuthCore

/// Needs only the database: no secrets are read or generated.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: AdminCommand.DatabaseOption

    func run() async throws {
        let setting = try options.setting
        try await options.withStorage { _ in print("database \(setting) is up to date") }
    }
}
