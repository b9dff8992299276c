import Foundation
import GRDB
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthSQLite
@testable import PhoneAuthServer

/// The real binaries end to end: the server as a process, clientcli as people use it, the code from a capturing
/// webhook, and an outage in the middle.
@Suite final class EndToEndTests: Sendable {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-e2e-\(UUID().uuidString)")

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    private func cli(_ arguments: [String], port: Int) async throws -> CLIRunner.Result {
        try await CLIRunner.run(
            arguments + ["--server", "http://127.0.0.1:\(port)"], environment: ["PHONEAUTH_HOME": folder.appendingPathComponent("home").path])
    }

    @Test func loginUseGoOfflineComeBackSyncLogout() async throws {
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let port = try MotoServer.freePort()
            let database = self.folder.appendingPathComponent("server/phoneauth.sqlite").path
            let arguments = ["--database", database, "--sms", "webhook", "--sms-webhook-url", webhook + "/ok", "--sms-webhook-secret", "s"]
            var server = try await ServerProcess.start(port: port, arguments: arguments)

            #expect(try await self.cli(["send-code", "--phone", "+996555123456"], port: port).status == 0)
            let code = try #require(receiver.lastCode)
            let login = try await self.cli(["login", "--phone", "+996555123456", "--code", code], port: port)
            #expect(login.status == 0, "\(login.stderr)")
            #expect(try await self.cli(["me"], port: port).stdout.contains("+996555123456"))
            #expect(
                try await self.cli(["addresses", "add", "--line1", "Chui Ave 120", "--city", "Bishkek"], port: port).stdout.contains("added address"))
            #expect(try await self.cli(["addresses", "list"], port: port).stdout.contains("Chui Ave 120"))

            await server.stop()
            let cached = try await self.cli(["addresses", "list"], port: port)
            #expect(cached.status == 0)
            #expect(cached.stdout.contains("Chui Ave 120"))
            #expect(cached.stderr.contains("showing cached data"))
            let queued = try await self.cli(["addresses", "add", "--line1", "Erkindik 5", "--city", "Bishkek"], port: port)
            #expect(queued.status == 0)
            #expect(queued.stdout.contains("queued"))
            #expect(try await self.cli(["status"], port: port).stdout.contains("queued edits          1"))

            server = try await ServerProcess.start(port: port, arguments: arguments)
            let synced = try await self.cli(["sync"], port: port)
            #expect(synced.stdout == "synced: 1 edit(s) sent, 0 refused\n", "\(synced.stderr)")
            #expect(try await self.cli(["sync"], port: port).stdout == "synced: 0 edit(s) sent, 0 refused\n")
            let listed = try await self.cli(["addresses", "list"], port: port)
            #expect(listed.stdout.contains("Erkindik 5") && listed.stderr.isEmpty)
            let stored = try await SQLiteDatabase.open(path: database).writer.read { db in try Address.fetchCount(db) }
            #expect(stored == 2)

            #expect(try await self.cli(["logout"], port: port).status == 0)
            #expect(try await self.cli(["me"], port: port).status == 2)
            await server.stop()
        }
    }
}
