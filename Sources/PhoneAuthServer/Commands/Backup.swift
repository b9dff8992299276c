import ArgumentParser
import Foundation
import PhoneAuthCore
import PhoneAuthSQLite

/// `PhoneAuthServer backup PATH`: a consistent copy of the SQLite database while the server runs. PostgreSQL is backed
/// up with its own tools (`pg_dump`), which this command names instead of guessing.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the SQLite database to PATH while the server runs (for PostgreSQL, use pg_dump).")

    @OptionGroup var options: AdminCommand.DatabaseOption
    @Argument(help: "Where to write the copy (a new file, mode 0600).") var path: String

    func run() async throws {
        let setting = try options.setting
        guard case .sqlite(let source) = setting else {
            FileHandle.standardError.write(
                Data("phoneauth: backup copies SQLite files; for PostgreSQL run pg_dump --format=custom (see README, Operations)\n".utf8))
            throw ExitCode(2)
        }
        do {
            let outcome = try await exitingOnStorageFailure(setting) { try await SQLiteBackup.copy(from: source, to: path) }
            print("backed up \(source) to \(path) (\(outcome.bytes) bytes, integrity ok)")
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("phoneauth: backup failed: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
