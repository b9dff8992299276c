import ArgumentParser
import Foundation
import Logging
import PhoneAuthCore

/// `PhoneAuthServer copy-to-postgres --to postgres://…`: a SQLite deployment moved to PostgreSQL with everyone still
/// signed in (`SQLiteToPostgres`). Exit codes: 0 copied and verified, 1 refused (the target holds rows, the schemas
/// or the checksums differ), 2 bad arguments, 66 no SQLite file there, 69 a database cannot be used.
struct CopyToPostgres: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy-to-postgres",
        abstract: "Copy the SQLite database into an empty PostgreSQL database (ids and sessions kept), then verify every table.")

    @OptionGroup var options: AdminCommand.DatabaseOption
    @Option(help: "The PostgreSQL database to fill (postgres://…; it must hold no rows).") var to: String

    func run() async throws {
        let source = try options.setting
        guard case .sqlite(let path) = source else { throw ValidationError("--database must name the SQLite file to copy from") }
        let target: PostgresSetting
        do {
            guard case .postgres(let setting) = try DatabaseSetting(parsing: to) else { throw ValidationError("--to must be a postgres:// URL") }
            target = setting
        } catch let error as ConfigError {
            throw ValidationError(error.description)
        }
        guard FileManager.default.fileExists(atPath: path) else {
            FileHandle.standardError.write(Data(AdminCommand.missingFile(path).utf8))
            throw ExitCode(66)
        }
        var logger = Logger(label: "phoneauth")
        logger.logLevel = .warning
        do {
            let copied = try await exitingOnStorageFailure(.postgres(target)) {
                try await SQLiteToPostgres.copy(from: path, to: target, logger: logger)
            }
            let width = copied.map(\.table.count).max() ?? 0
            for table in copied {
                print("\(table.table.padding(toLength: width, withPad: " ", startingAt: 0))  \(table.checksum)  same on both")
            }
            let rows = copied.reduce(0) { $0 + $1.checksum.rows }
            print(
                "copied \(rows) rows in \(copied.count) tables from \(path) to \(DatabaseSetting.postgres(target)); every count and checksum matches")
        } catch let refusal as SQLiteToPostgres.Refusal {
            FileHandle.standardError.write(Data("phoneauth: copy refused: \(refusal)\n".utf8))
            throw ExitCode(1)
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("phoneauth: copy failed: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
