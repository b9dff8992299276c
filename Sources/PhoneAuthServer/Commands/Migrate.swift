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
        try await options.withStorage(creating: true) { storage in
            print(Self.report(setting, isNew: isNew, applied: storage.migrationsApplied))
        }
    }

    /// What `migrate` says: what it made or applied, and the schema version the database is at now.
    static func report(_ setting: DatabaseSetting, isNew: Bool, applied: [String]) -> String {
        let version = "schema version \(SchemaHistory.latest)"
        if isNew { return "created database \(setting) at \(version)" }
        guard let first = applied.first.flatMap(SchemaHistory.versions(named:))?.lowerBound else {
            return "database \(setting) is up to date at \(version)"
        }
        let steps = first == SchemaHistory.latest ? "version \(first)" : "versions \(first) to \(SchemaHistory.latest)"
        return "database \(setting) upgraded to \(version) (applied \(steps))"
    }
}
