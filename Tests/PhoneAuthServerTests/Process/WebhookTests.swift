import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Webhooks from a real server process to a receiver that verifies every delivery with the `standardwebhooks`
/// package from PyPI: every event type arrives signed, once delivered and in the log's order; a receiver that fails
/// gets the event again until it takes it; a restart mid-retry loses nothing; a rotated secret verifies with either
/// secret during the overlap; an event never taken becomes a dead letter an operator can send again.
@Suite(.serialized) struct WebhookTests {
    /// An admin's token on `server`: signed in, promoted by the CLI, refreshed to carry the role.
    private func admin(_ server: Instance, _ sms: WebhookReceiver, database: String) async throws -> String {
        let signedIn = try await server.signIn(sms, phone: "+13125550001")
        let promoted = try await CLIRunner.run(["admin", "promote", "+13125550001", "--database", database], binary: "PhoneAuthServer")
        #expect(promoted.status == 0)
        let refreshed = try await server.request("POST", "/auth/refresh", json: ["refresh_token": signedIn.refresh])
        return try #require(refreshed.json["access_token"] as? String)
    }

    @Test(.timeLimit(.minutes(3)), arguments: Backend.all)
    func everyEventTypeArrivesSignedOnceInOrderAndAFailedOneComesAgain(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = try await StandardWebhookReceiver.start()
        let sms = WebhookReceiver()
        try await sms.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: ["--webhook-first-retry-seconds", "0.2"])
            try await Instance.stopping([server]) {
                let admin = try await admin(server, sms, database: harness.databaseURL)
                let created = try await server.request("POST", "/admin/webhooks", json: ["url": receiver.url, "events": "*"], token: admin)
                #expect(created.status == 400)  // events is a list
                let endpoint = try await Self.create(server, admin: admin, url: receiver.url)
                try await receiver.control(secrets: [endpoint.secret], fail: 3)

                // Every kind of change, each through the API a user or an operator would use.
                let user = try await server.signIn(sms, phone: "+996555100091")  // user.created, user.signed_in (refused 3 times first)
                let id = try #require(try await harness.sql.users().first { $0.phoneNumber == "+996555100091" }?.id)
                let moved = try await server.request("POST", "/api/v1/account/phone", json: ["phone": "+996555100092"], token: user.access)
                let code = try #require(sms.lastCode(to: "+996555100092"))
                let confirmed = try await server.request(
                    "POST", "/api/v1/account/phone/verify",
                    json: ["verification_id": moved.json["verification_id"] as? String ?? "", "verification_code": code], token: user.access)
                #expect(confirmed.status == 200)
                #expect(try await server.request("PATCH", "/admin/users/\(id)", json: ["role": "admin"], token: admin).status == 200)
                #expect(try await server.request("POST", "/admin/users/\(id)/disable", token: admin).status == 200)
                #expect(try await server.request("POST", "/admin/users/\(id)/enable", token: admin).status == 200)
                #expect(try await server.request("PUT", "/admin/ranges/+996555/block", json: ["reason": "pumping"], token: admin).status == 200)
                #expect(try await server.request("POST", "/admin/users/\(id)/delete", json: ["reason": "asked"], token: admin).status == 200)

                let expected = [
                    "user.created", "user.signed_in", "user.phone_changed", "user.role_changed", "user.banned", "session.ended",
                    "user.unbanned", "range.blocked", "user.deleted",
                ]
                let got = try await receiver.waitFor(.seconds(30)) { got in
                    Set(expected).isSubset(of: Set(got.filter { $0.status == 204 }.map(\.type)))
                }
                let delivered = got.filter { $0.status == 204 }
                #expect(Set(expected).isSubset(of: Set(delivered.map(\.type))), "\(delivered.map(\.type))")
                #expect(got.allSatisfy { $0.verified == [0] }, "every delivery verifies with the endpoint's secret")
                // The first event was refused three times, then taken: four attempts, one webhook-id; nothing behind it
                // went out before it was taken; everything was taken once, in the log's order.
                let first = try #require(got.first)
                #expect(got.prefix(4).map(\.id) == Array(repeating: first.id, count: 4))
                #expect(got.prefix(4).map(\.status) == [500, 500, 500, 204])
                let ids = delivered.compactMap(\.eventID)
                #expect(ids == ids.sorted() && Set(ids).count == ids.count, "\(ids)")
                // Ids and the market, never a number (the endpoint did not ask for them), a code or a token.
                let signedIn = try #require(delivered.first { $0.type == "user.signed_in" })
                #expect(signedIn.data["user_id"] == "\(id)")
                #expect(signedIn.data["market"] == "kg")
                #expect(signedIn.data["session_id"]?.isEmpty == false)
                #expect(delivered.allSatisfy { $0.data["phone"] == nil })
                #expect(try #require(delivered.first { $0.type == "range.blocked" }).data["prefix"] == "+996555")
                // Audited, and the endpoint's state as the API shows it.
                #expect(try await harness.sql.strings("SELECT action FROM audit_log WHERE target LIKE 'webhook:%'") == ["webhook.create"])
                let shown = try await server.request("GET", "/admin/webhooks/\(endpoint.id)", token: admin)
                #expect(shown.json["secret"] == nil)
                #expect((shown.json["delivery"] as? [String: any Sendable])?["attempts"] as? Int == 0)
            }
        }
        await receiver.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func aRestartMidRetryLosesNothingAndARotatedSecretVerifiesWithEitherSecret() async throws {
        let harness = try await TestHarness.make(.sqlite)
        let receiver = try await StandardWebhookReceiver.start()
        let sms = WebhookReceiver()
        try await sms.run { webhook in
            let options = ["--webhook-first-retry-seconds", "0.2"]
            var server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: options)
            // Configured from the CLI, for sign-ins only, with the user's number in the payload.
            let added = try await CLIRunner.run(
                [
                    "admin", "webhooks", "add", "--url", receiver.url, "--events", "user.signed_in", "--include-phone", "--database",
                    harness.databaseURL,
                ],
                binary: "PhoneAuthServer")
            #expect(added.status == 0, "\(added.stderr)")
            let secret = try #require(added.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
            try await receiver.control(secrets: [secret], fail: 1_000)
            _ = try await server.signIn(sms, phone: "+13125550193")
            _ = try await receiver.waitFor(.seconds(10)) { $0.count >= 2 }  // refused at least twice
            await server.stop()  // mid-retry
            try await receiver.control(fail: 0)
            server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: options, port: server.port)
            try await Instance.stopping([server]) {
                let got = try await receiver.waitFor(.seconds(15)) { $0.contains { $0.status == 204 } }
                let taken = try #require(got.first { $0.status == 204 })
                #expect(taken.id == got.first?.id, "the event refused before the restart is the one taken after it")
                #expect(taken.type == "user.signed_in")
                #expect(taken.data["phone"] == "+13125550193")

                // A rotation: for the overlap both secrets sign, so a receiver holding either verifies.
                let rotated = try await CLIRunner.run(
                    ["admin", "webhooks", "rotate-secret", "--id", "1", "--keep-old-hours", "1", "--database", harness.databaseURL],
                    binary: "PhoneAuthServer")
                #expect(rotated.status == 0, "\(rotated.stderr)")
                let newSecret = try #require(rotated.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
                #expect(newSecret != secret)
                try await receiver.control(secrets: [secret, newSecret])
                _ = try await server.signIn(sms, phone: "+13125550194")
                let after = try await receiver.waitFor(.seconds(15)) { $0.filter { $0.status == 204 }.count >= 2 }
                #expect(after.last?.verified == [0, 1], "the old and the new secret both verify it")
                #expect(
                    try await harness.sql.strings("SELECT action FROM audit_log WHERE via = 'cli' AND target = 'webhook:1'") == [
                        "webhook.create", "webhook.rotate_secret",
                    ])
            }
        }
        await receiver.stop()
    }

    @Test(.timeLimit(.minutes(3)))
    func anEventNeverTakenBecomesADeadLetterAndIsSentAgainWhenAsked() async throws {
        let harness = try await TestHarness.make(.sqlite)
        let receiver = try await StandardWebhookReceiver.start()
        let sms = WebhookReceiver()
        try await sms.run { webhook in
            // Retried for 2 seconds only.
            let server = try await Instance.start(
                database: harness.databaseURL, webhook: webhook,
                extra: ["--webhook-first-retry-seconds", "0.2", "--webhook-retry-hours", String(2.0 / 3_600)])
            try await Instance.stopping([server]) {
                let admin = try await admin(server, sms, database: harness.databaseURL)
                let endpoint = try await Self.create(server, admin: admin, url: receiver.url, events: ["user.signed_in"])
                try await receiver.control(secrets: [endpoint.secret], fail: 1_000)
                _ = try await server.signIn(sms, phone: "+13125550195")
                var letters: [any Sendable] = []
                for _ in 0..<100 where letters.isEmpty {
                    try await Task.sleep(for: .milliseconds(100))
                    letters =
                        try await server.request("GET", "/admin/webhooks/\(endpoint.id)/dead-letters", token: admin).json["dead_letters"]
                        as? [any Sendable] ?? []
                }
                let letter = try #require(letters.first as? [String: any Sendable])
                #expect(letter["type"] as? String == "user.signed_in")
                #expect((letter["last_error"] as? String)?.contains("500") == true)
                // The endpoint moved on: the next sign-in is tried (and refused) in its turn, not held behind the dead one.
                try await receiver.control(fail: 0)
                _ = try await server.signIn(sms, phone: "+13125550196")
                let next = try await receiver.waitFor(.seconds(10)) { $0.contains { $0.status == 204 } }
                #expect(next.filter { $0.status == 204 }.count == 1)
                // Sent again by hand: the same webhook-id, taken this time.
                let letterID = try #require(letter["id"] as? Int)
                let retried = try await server.request("POST", "/admin/webhooks/\(endpoint.id)/dead-letters/\(letterID)/retry", token: admin)
                #expect(retried.status == 202)
                let again = try await receiver.waitFor(.seconds(10)) { $0.filter { $0.status == 204 }.count >= 2 }
                let redelivered = try #require(again.last)
                #expect(redelivered.status == 204 && redelivered.id == "evt_\(letter["event_id"] as? Int ?? 0)")
                #expect(redelivered.verified == [0])
                let after = try await server.request("GET", "/admin/webhooks/\(endpoint.id)/dead-letters", token: admin)
                #expect(((after.json["dead_letters"] as? [any Sendable])?.first as? [String: any Sendable])?["delivered_at"] is String)
            }
        }
        await receiver.stop()
    }

    /// Adds an endpoint through the admin API; its id and secret.
    static func create(_ server: Instance, admin: String, url: String, events: [String] = ["*"]) async throws -> (id: Int, secret: String) {
        let body = try JSONSerialization.data(withJSONObject: ["url": url, "events": events])
        let created = try await server.requestRaw("POST", "/admin/webhooks", body: body, token: admin)
        #expect(created.status == 201)
        return (try #require(created.json["id"] as? Int), try #require(created.json["secret"] as? String))
    }
}
