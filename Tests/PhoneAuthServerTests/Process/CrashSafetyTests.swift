import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `kill -9` in the middle of a burst of sign-ins and profile edits: after a restart, everything the server said 2xx
/// to is there, nothing is half-written, and the database is intact.
@Suite struct CrashSafetyTests {
    /// What the clients were told before the crash.
    private final class Ledger: Sendable {
        struct Edit: Sendable {
            var acknowledged: String?
            var inFlight: String?
        }

        let signIns = Locked<[(phone: String, token: String)]>([])
        let edits = Locked<[Int: Edit]>([:])
    }

    @Test(arguments: Backend.all)
    func everyAcknowledgedWriteSurvivesAKill9(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        let ledger = Ledger()
        try await receiver.run { webhook in
            // Sixteen sign-ins at once into one range are the burst here, not an attack: the fraud defence would challenge most.
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: ["--fraud-defence", "off"])
            // Editors first sign in calmly; then sign-ins and edits run together until the kill.
            var editors: [String] = []
            for index in 0..<4 { editors.append(try await server.signIn(receiver, phone: "+1312555030\(index)").access) }
            let tokens = editors
            let burst = Task {
                await withTaskGroup(of: Void.self) { group in
                    for index in 0..<16 {
                        group.addTask {
                            let phone = "+13125550\(400 + index)"
                            guard let token = try? await server.signInIfServing(receiver, phone: phone)?.access else { return }
                            ledger.signIns.withLock { $0.append((phone, token)) }
                        }
                    }
                    for (editor, token) in tokens.enumerated() {
                        group.addTask {
                            for round in 0..<1_000 {
                                let name = "Editor \(editor) round \(round)"
                                ledger.edits.withLock { $0[editor, default: .init()].inFlight = name }
                                guard let answer = try? await server.request("PATCH", "/api/v1/profile", json: ["full_name": name], token: token),
                                    answer.status == 200
                                else { return }
                                ledger.edits.withLock { $0[editor]?.acknowledged = name }
                            }
                        }
                    }
                }
            }
            // Let the burst get going, then kill the process with no chance to clean up.
            // Once three sign-ins and every editor have had an answer (on a slow machine the editors can lag the sign-ins).
            func underway() -> Bool {
                let answered = ledger.edits.withLock { edits in edits.values.filter { $0.acknowledged != nil }.count }
                return ledger.signIns.withLock { $0.count } >= 3 && answered == 4
            }
            for _ in 0..<1_000 where !underway() { try await Task.sleep(for: .milliseconds(10)) }
            server.process.send(SIGKILL)
            #expect(await server.process.exitStatus() == -SIGKILL)
            await burst.value

            let acknowledged = ledger.signIns.withLock { $0 }
            #expect(acknowledged.count >= 3, "sign-ins finished before the kill")
            let restarted = try await Instance.start(database: harness.databaseURL, webhook: webhook)
            do {
                for (phone, token) in acknowledged {
                    let profile = try await restarted.request("GET", "/api/v1/profile", token: token)
                    #expect(profile.status == 200, "the session of \(phone) survived")
                    #expect(profile.json["phone_number"] as? String == phone)
                }
                for (editor, token) in tokens.enumerated() {
                    let edit = ledger.edits.withLock { $0[editor] } ?? .init()
                    let profile = try await restarted.request("GET", "/api/v1/profile", token: token)
                    let stored = profile.json["full_name"] as? String
                    // The last acknowledged name, or the one in flight when the process died: never an older one.
                    #expect(stored == edit.acknowledged || stored == edit.inFlight, "editor \(editor): \(stored ?? "nil")")
                    #expect(edit.acknowledged != nil, "editor \(editor) got at least one answer")
                }
                await restarted.stop()
            } catch {
                await restarted.stop()
                throw error
            }
        }
        // No half-written rows: every session has its user, every user a phone, and SQLite's own check passes.
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM user_sessions s LEFT JOIN users u ON u.id = s.user_id WHERE u.id IS NULL") == 0)
        #expect(try await harness.sql.int("SELECT COUNT(*) FROM users WHERE phone_number = '' OR is_verified = false") == 0)
        let users = try await harness.sql.int("SELECT COUNT(*) FROM users")
        #expect(users >= 4 + ledger.signIns.withLock { $0.count })
        if backend == .sqlite {
            #expect(try await harness.sql.strings("PRAGMA integrity_check") == ["ok"])
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM pragma_foreign_key_check") == 0)
        }
    }
}
