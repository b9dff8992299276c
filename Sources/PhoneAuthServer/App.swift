import ArgumentParser
import Foundation
import Hummingbird

/// `PhoneAuthServer [serve] …` runs the server; `migrate` only brings the database schema up to date; `admin …` acts on
/// the database for operators.
@main
struct PhoneAuthServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "PhoneAuthServer",
        abstract: "Phone-number sign-in server.",
        subcommands: [Serve.self, Migrate.self, AdminCommand.self, KeysCommand.self],
        defaultSubcommand: Serve.self
    )
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP server (default).")

    @OptionGroup var options: ServeOptions

    func run() async throws {
        let config = try resolveOrExit(options)
        try await exitingOnStorageFailure(config.database) {
            let app = try await buildApplication(config)
            try await app.runService()
        }
    }
}

/// Needs only the database: no secrets are read or generated.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: AdminCommand.DatabaseOption

    func run() async throws {
        let setting = try options.setting
        try await options.withStorage { _ in print("database \(setting) is up to date") }
    }
}

/// Configuration errors end the process with one line on stderr and exit code 2.
private func resolveOrExit(_ options: ServeOptions) throws -> AppConfig {
    do {
        return try options.resolve(log: { FileHandle.standardError.write(Data("phoneauth: \($0)\n".utf8)) })
    } catch let error as ConfigError {
        FileHandle.standardError.write(Data("phoneauth: configuration error: \(error.description)\n".utf8))
        throw ExitCode(2)
    }
}

/// The database cannot be used (unreachable, refusing, locked, read-only): one line naming it, never its password, and
/// exit code 69 (EX_UNAVAILABLE), at start-up as in a one-shot command.
func exitingOnStorageFailure<Value>(_ setting: DatabaseSetting, _ body: () async throws -> Value) async throws -> Value {
    do {
        return try await body()
    } catch {
        guard let unavailable = StorageUnavailable.classify(error) else { throw error }
        FileHandle.standardError.write(Data("phoneauth: cannot use the database \(setting): \(unavailable.reason)\n".utf8))
        throw ExitCode(69)
    }
}
