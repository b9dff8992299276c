import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// The data folder, the database files and secret files stay private to the server's user (issue 10, finding 5).
@Suite final class PrivateFilesTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-files-\(UUID().uuidString)").path

    deinit {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func mode(_ path: String) throws -> Int {
        try #require((FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue) & 0o777
    }

    private func write(_ text: String, to name: String, mode: Int) throws -> String {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let path = folder + "/" + name
        #expect(FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: mode]))
        return path
    }

    @Test func theDataFolderIsCreated0700AndTheDatabaseFiles0600() async throws {
        let path = folder + "/data/phoneauth.sqlite"
        let database = try await SQLiteDatabase.open(path: path)
        // A write makes SQLite create the -wal and -shm files next to the database.
        try await database.writer.write { db in try db.execute(sql: "UPDATE markets SET code = code") }
        #expect(try mode(folder + "/data") == 0o700)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try mode(file) == 0o600, "\(file)")
        }
    }

    @Test func aWiderDatabaseFileLeftByAnOlderVersionIsTightened() async throws {
        let path = try write("", to: "old.sqlite", mode: 0o644)
        _ = try await SQLiteDatabase.open(path: path)
        #expect(try mode(path) == 0o600)
    }

    @Test func productionRefusesASecretFileOthersCanRead() throws {
        let keys = try write(#"{"keys":[{"kid":"k1","secret":"\#(String(repeating: "s", count: 40))"}]}"#, to: "keys.json", mode: 0o644)
        let options = try ServeOptions.parse([
            "--database", folder + "/db.sqlite", "--environment", "production", "--jwt-keys-file", keys,
            "--pepper", String(repeating: "p", count: 40), "--sms", "webhook", "--sms-webhook-url", "http://127.0.0.1:9/x",
            "--sms-webhook-secret", "s",
        ])
        #expect(throws: ConfigError.self) { try options.resolve(environment: [:]) }
        do {
            _ = try options.resolve(environment: [:])
        } catch let error as ConfigError {
            #expect(error.description.contains("readable by group or others"))
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: keys)
        #expect(try options.resolve(environment: [:]).jwtKeyID == "k1")
    }

    @Test func developmentTightensAWideSecretFileAndSaysSo() throws {
        let pepper = try write(String(repeating: "d", count: 64), to: "pepper", mode: 0o640)
        var said: [String] = []
        _ = try ServeOptions.parse(["--database", folder + "/db.sqlite"]).resolve(environment: [:], log: { said.append($0) })
        #expect(try mode(pepper) == 0o600)
        #expect(said.contains { $0.contains("pepper") && $0.contains("changed it to 600") })
        #expect(!said.contains { $0.contains(String(repeating: "d", count: 64)) })
    }

    @Test func migrateNeedsOnlyTheDatabase() async throws {
        let path = folder + "/migrate/phoneauth.sqlite"
        let result = try await CLIRunner.run(
            ["migrate", "--database", path], binary: "PhoneAuthServer", environment: ["PHONEAUTH_ENVIRONMENT": "production"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("at schema version \(SchemaHistory.latest)"))
        #expect(FileManager.default.fileExists(atPath: path))
        // No development secret was generated next to it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/migrate").sorted().allSatisfy { $0.hasPrefix("phoneauth.sqlite") })
    }
}
