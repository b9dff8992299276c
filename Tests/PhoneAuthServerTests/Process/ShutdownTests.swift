import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// SIGTERM and SIGINT stop the server gracefully: readiness fails first, the request in flight (here a send-code
/// waiting 3 s on its SMS provider) still completes, then the listener is gone and the process exits 0.
@Suite struct ShutdownTests {
    @Test(arguments: [SIGTERM, SIGINT])
    func aSlowRequestInFlightCompletesWhileReadinessFailsAndTheProcessExitsZero(signal: Int32) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = folder.appendingPathComponent("db.sqlite").path
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(
                database: database, webhook: webhook, extra: ["--sms-webhook-url", webhook + "/slow", "--shutdown-delay", "1.5"])
            let inFlight = Task { try await server.request("POST", "/auth/send-code", json: ["phone": "+13125550188"]) }
            for _ in 0..<200 where receiver.slowRequestsArrived == 0 { try await Task.sleep(for: .milliseconds(10)) }
            #expect(receiver.slowRequestsArrived == 1)
            #expect(try await server.request("GET", "/health/ready").status == 200)
            let signalled = ContinuousClock.now
            server.process.send(signal)
            // Within the shutdown delay the listener still answers, and says it is not ready.
            var ready = try await server.request("GET", "/health/ready")
            for _ in 0..<50 where ready.status == 200 {
                try await Task.sleep(for: .milliseconds(10))
                ready = try await server.request("GET", "/health/ready")
            }
            #expect(ready.status == 503)
            #expect(ready.errorCode == "service_unavailable")
            #expect(try await server.request("GET", "/health/live").status == 200, "alive while draining")
            let answer = try await inFlight.value
            #expect(answer.status == 202, "the request in flight finished")
            #expect(answer.json["verification_id"] is String)
            #expect(await server.process.exitStatus() == 0)
            #expect(ContinuousClock.now - signalled < .seconds(10))
            // Gone: nothing listens any more.
            await #expect(throws: (any Error).self) { try await server.request("GET", "/health/live") }
        }
        // The code it stored is there and the database is intact.
        let sqlite = try await SQLiteDatabase.open(path: database)
        let rows = try await sqlite.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM verifications") }
        #expect(rows == 1)
        let check = try await sqlite.writer.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        #expect(check == "ok")
    }

    /// A request still running when the drain time is up is cut off: the process does not hang, and says so.
    @Test func theDrainTimeBoundsTheWait() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-drain-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let server = try await Instance.start(
                database: folder.appendingPathComponent("db.sqlite").path, webhook: webhook,
                extra: ["--sms-webhook-url", webhook + "/slow", "--drain-timeout", "0.5"])
            let inFlight = Task { try? await server.request("POST", "/auth/send-code", json: ["phone": "+13125550189"]) }
            for _ in 0..<200 where receiver.slowRequestsArrived == 0 { try await Task.sleep(for: .milliseconds(10)) }
            let signalled = ContinuousClock.now
            server.process.send(SIGTERM)
            #expect(await server.process.exitStatus() == 1, "a drain cut short is not a clean stop")
            #expect(ContinuousClock.now - signalled < .milliseconds(2500), "stopped at the drain time, not after the 3 s request")
            _ = await inFlight.value
        }
    }
}
