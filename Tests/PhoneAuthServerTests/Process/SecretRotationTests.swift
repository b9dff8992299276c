import Foundation
import JWTKit
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Rotating secrets without signing anyone out. The token keys of a fleet, one instance restarted at a time, exactly
/// as the README's "Rotating secrets" says: (1) every instance learns the new key while the old one still signs, (2)
/// every instance signs with the new key, (3) once the old key's last token has expired (30 minutes), it is dropped. At
/// every step every instance accepts every token issued so far, and after the last one the refresh token of the first
/// sign-in still works: nobody is signed out. Two real server processes on one PostgreSQL database.
@Suite struct SecretRotationTests {
    static let backends = Backend.all.filter { $0 == .postgres }

    /// The keyring flag for each step, old key `old`, new key `new`.
    struct Keyrings {
        var flag: String
        var before: String
        var learn: String
        var sign: String
        var after: String
        var oldKid: String
        var newKid: String
    }

    static func hs256() -> Keyrings {
        let old = "k1:" + String(repeating: "o", count: 40)
        let new = JWTKeyEntry.generate()
        let newKid = String(new.split(separator: ":")[0])
        return Keyrings(
            flag: "--jwt-keys", before: old, learn: "\(old),\(new)", sign: "\(new),\(old)", after: new, oldKid: "k1", newKid: newKid)
    }

    static func es256(in folder: URL) throws -> Keyrings {
        var paths: [String] = []
        for name in ["es1", "es2"] {
            let path = folder.appendingPathComponent("\(name).pem").path
            try ES256PrivateKey().pemRepresentation.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            paths.append("\(name):\(path)")
        }
        return Keyrings(
            flag: "--jwt-es256-keys", before: paths[0], learn: "\(paths[0]),\(paths[1])", sign: "\(paths[1]),\(paths[0])",
            after: paths[1], oldKid: "es1", newKid: "es2")
    }

    private static func kid(_ token: String) -> String? {
        let header = Data(base64URLEncoded: String(token.split(separator: ".")[0])).flatMap { try? JSONSerialization.jsonObject(with: $0) }
        return (header as? [String: Any])?["kid"] as? String
    }

    @Test(arguments: backends)
    func hs256KeysRotateAcrossTheFleetWithoutSigningAnyoneOut(backend: Backend) async throws {
        try await rotate(Self.hs256(), backend: backend)
    }

    @Test(arguments: backends)
    func es256KeysRotateAcrossTheFleetWithTheNewKeyPublishedBeforeItSigns(backend: Backend) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-es256-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try await rotate(Self.es256(in: folder), backend: backend, checkJWKS: true)
    }

    private func rotate(_ keys: Keyrings, backend: Backend, checkJWKS: Bool = false) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            func start(_ keyring: String, port: Int? = nil) async throws -> Instance {
                try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: [keys.flag, keyring], port: port)
            }
            var fleet = [try await start(keys.before), try await start(keys.before)]
            // Whatever runs when the test ends, restarted ones included, is stopped, also on failure.
            do {
                var live: [String] = []
                /// Every token issued so far works on every instance.
                func everyTokenWorksEverywhere(_ step: String) async throws {
                    for token in live {
                        for instance in fleet {
                            let status = try await instance.request("GET", "/api/v1/profile", token: token).status
                            #expect(status == 200, "\(step): a token signed by \(Self.kid(token) ?? "?") got \(status) on :\(instance.port)")
                        }
                    }
                }
                /// Restarts each instance in turn with `keyring`, checking between the two.
                func roll(_ keyring: String, _ step: String) async throws {
                    for index in fleet.indices {
                        await fleet[index].stop()
                        fleet[index] = try await start(keyring, port: fleet[index].port)
                        try await everyTokenWorksEverywhere("\(step), instance \(index + 1) restarted")
                    }
                }
                let first = try await fleet[0].signIn(receiver, phone: "+13125550170")
                #expect(Self.kid(first.access) == keys.oldKid)
                live.append(first.access)

                try await roll(keys.learn, "step 1 (learn the new key)")
                let stillOld = try await fleet[1].signIn(receiver, phone: "+13125550171")
                #expect(Self.kid(stillOld.access) == keys.oldKid, "the new key does not sign before every instance knows it")
                live.append(stillOld.access)
                if checkJWKS {
                    // Resource servers that fetch the JWKS now hold the new key before any token is signed with it.
                    let jwks = try await LoopbackClient(port: fleet[0].port).request("GET", "/.well-known/jwks.json")
                    let kids = (jwks.json["keys"] as? [[String: any Sendable]])?.compactMap { $0["kid"] as? String }
                    #expect(kids == [keys.oldKid, keys.newKid])
                }

                try await roll(keys.sign, "step 2 (sign with the new key)")
                let fresh = try await fleet[0].signIn(receiver, phone: "+13125550172")
                #expect(Self.kid(fresh.access) == keys.newKid)
                live.append(fresh.access)
                try await everyTokenWorksEverywhere("step 2 done")
                // Why step 1 comes first: an instance that never learned the new key refuses what it signs.
                let laggard = try await start(keys.before)
                let refused = try await laggard.request("GET", "/api/v1/profile", token: fresh.access).status
                await laggard.stop()
                #expect(refused == 401)

                // Step 3, 30 minutes later in real life: the old key's tokens have expired; here they are refused.
                live.removeAll { Self.kid($0) == keys.oldKid }
                try await roll(keys.after, "step 3 (drop the old key)")
                for instance in fleet {
                    #expect(try await instance.request("GET", "/api/v1/profile", token: first.access).status == 401)
                }
                // Signed in before the rotation began, and still signed in: the refresh token knows nothing of the keys.
                let refreshed = try await fleet[1].request("POST", "/auth/refresh", json: ["refresh_token": first.refresh])
                #expect(refreshed.status == 200)
                let renewed = try #require(refreshed.json["access_token"] as? String)
                #expect(Self.kid(renewed) == keys.newKid)
                live.append(renewed)
                try await everyTokenWorksEverywhere("step 3 done")
            } catch {
                for instance in fleet { await instance.stop() }
                throw error
            }
            for instance in fleet { await instance.stop() }
        }
    }

    /// The pepper keys what lives minutes (stored codes, proof-of-work challenges, console CSRF tokens, the sealed pair a
    /// racing refresh gets again within 10 s), never a session: after a restart with a new pepper every token and refresh
    /// token still works, a code sent before it no longer matches, and the next code does.
    @Test func aNewPepperEndsCodesInFlightAndNoSession() async throws {
        let harness = try TestHarness()
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let extra = ["--resend-cooldown", "1"]
            let before = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: extra)
            var tokens: (access: String, refresh: String)?
            var pending: String?
            try await Instance.stopping([before]) {
                tokens = try await before.signIn(receiver, phone: "+13125550180")
                pending = try #require(await before.request("POST", "/auth/send-code", json: ["phone": "+13125550181"]).json["verification_id"]
                    as? String)
            }
            let oldCode = try #require(receiver.lastCode(to: "+13125550181"))
            let pepper = ["--pepper", "a-brand-new-pepper-of-at-least-32-bytes-000"]
            let after = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: extra + pepper, port: before.port)
            try await Instance.stopping([after]) {
                let (access, refresh) = try #require(tokens)
                #expect(try await after.request("GET", "/api/v1/profile", token: access).status == 200)
                #expect(try await after.request("POST", "/auth/refresh", json: ["refresh_token": refresh]).status == 200)
                let stale = try await after.request(
                    "POST", "/auth/verify-code", json: ["verification_id": try #require(pending), "verification_code": oldCode])
                #expect(stale.status == 400)
                try await Task.sleep(for: .milliseconds(1100))
                #expect(try await after.signInIfServing(receiver, phone: "+13125550181") != nil, "the next code signs in")
            }
        }
    }

    /// A refresh repeated within the grace window gets the sealed pair again; sealed under the pepper before a rotation,
    /// it cannot be opened after one: a clean 401 (the person signs in again), never a 500, and the session is not revoked.
    @Test func aGraceReplaySealedUnderTheOldPepperIsACleanRefusal() async throws {
        let before = try TestHarness()
        let after = try TestHarness {
            $0.database = before.config.database
            $0.pepper = Array("a-brand-new-pepper-of-at-least-32-bytes-000".utf8)
        }
        let first = try await before.test { client in
            let grant = try await before.signInGrant(client)
            #expect(try await client.request(.post, "/auth/refresh", json: ["refresh_token": grant.refresh]).status == .ok)
            return grant
        }
        after.clock.set(before.clock.now.addingTimeInterval(2))
        try await after.test { (client) async throws -> Void in
            let replay = try await client.request(.post, "/auth/refresh", json: ["refresh_token": first.refresh])
            #expect(replay.status == .unauthorized)
            #expect(replay.errorCode == "invalid_refresh_token")
        }
        #expect(try await before.sql.sessions().first?.isActive == true)
    }
}
