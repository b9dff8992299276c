import Foundation
import JWTKit
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer
@testable import PhoneAuthServer

/// The example orders service (`Examples/Orders`, built on PhoneAuthResourceServer and its Hummingbird middleware)
/// beside two PhoneAuth instances on one PostgreSQL database: it serves its market's users from their tokens alone,
/// refuses a token revoked through the other instance within a second, falls back as configured while its
/// revocation stream is cut, and picks up a new signing key.
@Suite(.serialized) struct OrdersExampleTests {
    static let credential = "orders-service:orders-secret-0123456789"

    /// Asks `GET path` with `token` until the answer is `status`, for up to `limit`; how long it took, nil if never.
    private func time(
        until status: Int, _ example: OrdersExampleProcess, _ path: String, token: String, limit: Duration
    ) async throws
        -> Duration?
    {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            if try await example.client.request("GET", path, token: token).status == status { return ContinuousClock.now - start }
            try await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    @Test(.timeLimit(.minutes(5)), arguments: Backend.all.filter { $0 == .postgres })
    func theOrdersServiceServesItsMarketAndRefusesRevokedTokensWithinASecond(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let (k1, k2) = (harness.folder.appendingPathComponent("k1.pem"), harness.folder.appendingPathComponent("k2.pem"))
        try ES256PrivateKey().pemRepresentation.write(to: k1, atomically: true, encoding: .utf8)
        try ES256PrivateKey().pemRepresentation.write(to: k2, atomically: true, encoding: .utf8)
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let keyring = ["--introspection-client", Self.credential, "--jwt-es256-keys", "es1:\(k1.path)"]
            var a = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: keyring)
            var b = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: keyring)
            let proxy = try await BlackHoleProxy.start(forwardingTo: a.port)
            let common = [
                "--phoneauth-url", "http://127.0.0.1:\(a.port)", "--stream-url", "http://127.0.0.1:\(proxy.port)/auth/revocations",
                "--client-id", "orders-service", "--client-secret", "orders-secret-0123456789", "--stale-after", "6",
            ]
            let introspecting = try await OrdersExampleProcess.start(common)
            let refusing = try await OrdersExampleProcess.start(common + ["--fallback", "refuse"])
            let examples = [introspecting, refusing]
            do {
                for example in examples { #expect(try await example.waitForStream(live: true, within: .seconds(10))) }

                // A token of the market works; another market's gets 403; no token or a forged one 401.
                let kg = try await a.signIn(receiver, phone: "+996555100061").access
                let orders = try await introspecting.client.request("GET", "/kg/orders", token: kg)
                #expect(orders.status == 200)
                #expect(orders.json["market"] as? String == "kg")
                #expect(orders.json["user_id"] is Int)
                let placed = try await introspecting.client.request("POST", "/kg/orders", json: ["item": "tea"], token: kg)
                #expect(placed.status == 400)  // no quantity: refused by the example itself, once the token passed
                let us = try await introspecting.client.request("GET", "/us/orders", token: kg)
                #expect(us.status == 403)
                #expect(us.errorCode == "market_mismatch")
                #expect(try await introspecting.client.request("GET", "/kg/orders").errorCode == "unauthorized")
                #expect(try await introspecting.client.request("GET", "/kg/orders", token: kg + "x").status == 401)

                // An operator on the other instance.
                let signedIn = try await b.signIn(receiver, phone: "+13125550001")
                let promoted = try await CLIRunner.run(
                    ["admin", "promote", "+13125550001", "--database", harness.databaseURL], binary: "PhoneAuthServer")
                #expect(promoted.status == 0)
                // The promotion made the old token stale; a refresh carries the new role.
                let refreshed = try await b.request("POST", "/auth/refresh", json: ["refresh_token": signedIn.refresh])
                let admin = try #require(refreshed.json["access_token"] as? String)

                // A logout, a ban, a market's force-logout, each through the other instance: refused within a second.
                #expect(try await b.request("POST", "/auth/logout", token: kg).status == 204)
                for example in examples {
                    let took = try await time(until: 401, example, "/kg/orders", token: kg, limit: .seconds(1))
                    #expect(took != nil, "a logged-out token still served after a second")
                    print("orders example: a logout through the other instance refused after \(took.map { "\($0)" } ?? "more than 1 s")")
                }
                let banned = try await a.signIn(receiver, phone: "+996555100062").access
                let bannedID = try #require(try await introspecting.client.request("GET", "/kg/orders", token: banned).json["user_id"] as? Int)
                #expect(try await b.request("POST", "/admin/users/\(bannedID)/disable", token: admin).status == 200)
                for example in examples {
                    #expect(try await time(until: 401, example, "/kg/orders", token: banned, limit: .seconds(1)) != nil, "a banned user still served")
                }
                let kgOther = try await a.signIn(receiver, phone: "+996555100063").access
                let usUser = try await a.signIn(receiver, phone: "+13125550164").access
                try await Task.sleep(for: .milliseconds(5))  // the cutoff is strictly after both tokens
                #expect(try await b.request("POST", "/admin/markets/kg/force-logout", token: admin).status == 200)
                for example in examples {
                    #expect(try await time(until: 401, example, "/kg/orders", token: kgOther, limit: .seconds(1)) != nil)
                    #expect(try await example.client.request("GET", "/us/orders", token: usUser).status == 200)  // another market
                }

                // The stream cut silently: once it is known dead, the one introspects, the other refuses; never stale.
                proxy.blackHole()
                for example in examples { #expect(try await example.waitForStream(live: false, within: .seconds(15))) }
                let fresh = try await a.signIn(receiver, phone: "+996555100064").access
                #expect(try await introspecting.client.request("GET", "/kg/orders", token: fresh).status == 200)
                let unknown = try await refusing.client.request("GET", "/kg/orders", token: fresh)
                #expect(unknown.status == 503)
                #expect(unknown.errorCode == "service_unavailable")
                #expect(try await b.request("POST", "/auth/logout", token: fresh).status == 204)
                // Introspection's answers are kept 5 seconds.
                #expect(try await time(until: 401, introspecting, "/kg/orders", token: fresh, limit: .seconds(7)) != nil)
                proxy.restore()
                for example in examples { #expect(try await example.waitForStream(live: true, within: .seconds(30))) }
                let back = try await a.signIn(receiver, phone: "+996555100065").access
                #expect(try await refusing.client.request("GET", "/kg/orders", token: back).status == 200)

                // A new signing key: both instances restart signing with es2 (es1 still published); the example fetches the
                // JWKS again for the key id it has not seen, and tokens of either key pass.
                let rotated = ["--introspection-client", Self.credential, "--jwt-es256-keys", "es2:\(k2.path),es1:\(k1.path)"]
                await a.stop()
                await b.stop()
                a = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: rotated, port: a.port)
                b = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: rotated, port: b.port)
                let newKey = try await a.signIn(receiver, phone: "+996555100066").access
                #expect(PhoneAuthTokenVerifier.keyID(of: newKey) == "es2")
                for example in examples {
                    #expect(try await example.waitForStream(live: true, within: .seconds(30)))
                    #expect(try await example.client.request("GET", "/kg/orders", token: newKey).status == 200)
                    #expect(try await example.client.request("GET", "/us/orders", token: usUser).status == 200)
                }
            } catch {
                Issue.record(error)
            }
            for example in examples { await example.stop() }
            await proxy.stop()
            await a.stop()
            await b.stop()
        }
    }
}
