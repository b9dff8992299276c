import Foundation
import GRDB
import NIOPosix
import PhoneAuthCore

/// A consistent copy of a live SQLite database through SQLite's online backup API: the server keeps reading and
/// writing while pages are copied, and the copy is one committed state. It is written beside the destination, checked
/// with `PRAGMA integrity_check`, and only then renamed into place, so a failed backup leaves no half-written file.
package enum SQLiteBackup {
    package struct Outcome: Sendable {
        package var bytes: Int
    }

    package static func copy(from source: String, to destination: String) async throws -> Outcome {
        try await NIOThreadPool.singleton.runIfActive {
            let files = FileManager.default
            guard files.fileExists(atPath: source) else { throw ConfigError("no database at \(source)") }
            guard !files.fileExists(atPath: destination) else { throw ConfigError("\(destination) exists; choose a new path") }
            let partial = destination + ".partial-\(getpid())"
            guard files.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw ConfigError("cannot create \(partial)")
            }
            do {
                var configuration = Configuration()
                configuration.busyMode = .timeout(5)
                let live = try DatabaseQueue(path: source, configuration: configuration)
                let copy = try DatabaseQueue(path: partial)
                try live.backup(to: copy)
                let check = try copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
                guard check == "ok" else { throw ConfigError("the copy failed its integrity check: \(check ?? "no answer")") }
                try copy.close()
                try files.moveItem(atPath: partial, toPath: destination)
            } catch {
                try? files.removeItem(atPath: partial)
                throw error
            }
            let size = (try? files.attributesOfItem(atPath: destination))?[.size] as? Int
            return Outcome(bytes: size ?? 0)
        }
    }
}
