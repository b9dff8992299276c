import ArgumentParser
import PhoneAuthCore

/// `PhoneAuthServer [serve] …` runs the server; `migrate` only brings the database schema up to date; `backup` copies a
/// live SQLite database; `admin …` acts on the database for operators.
@main
struct PhoneAuthServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "PhoneAuthServer",
        abstract: "Phone-number sign-in server.",
        subcommands: [Serve.self, Migrate.self, Backup.self, CopyToPostgres.self, AdminCommand.self, KeysCommand.self],
        defaultSubcommand: Serve.self
    )
}
