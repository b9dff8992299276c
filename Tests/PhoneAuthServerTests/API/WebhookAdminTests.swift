import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `/admin/webhooks`: admins only, every field checked with a clear error, the secret shown only when made, every
/// change audited.
@Suite struct WebhookAdminTests {
    private func post(
        _ client: some TestClientProtocol, _ path: String, _ body: Any, token: String, method: HTTPRequest.Method = .post
    )
        async throws -> TestResponse
    {
        try await client.execute(
            uri: path, method: method, headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
            body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
    }

    @Test(arguments: Backend.all)
    func endpointsAreCheckedAuditedAndTheirSecretsShownOnce(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let admin = try await harness.signInAdmin(client)
            let user = try await harness.signIn(client, phone: "+13125550197")
            #expect(try await post(client, "/admin/webhooks", ["url": "https://b.example/h", "events": ["*"]], token: user).status == .forbidden)

            for (body, field) in [
                (["url": "ftp://b.example/h", "events": ["*"]], "url"), (["url": "https://user:pw@b.example/h", "events": ["*"]], "url"),
                (["url": "https://b.example/h?%zz", "events": ["*"]], "url"),
                (["url": "https://b.example/h", "events": ["*"], "description": "a\u{0}b"], "description"),
                (["url": "https://b.example/h", "events": ["user.nonsense"]], "events"), (["url": "https://b.example/h", "events": []], "events"),
            ] as [([String: Any], String)] {
                let refused = try await post(client, "/admin/webhooks", body, token: admin)
                #expect(refused.status == .badRequest)
                #expect(refused.errorDetail["field"] as? String == field, "\(body)")
            }
            let created = try await post(
                client, "/admin/webhooks", ["url": "https://b.example/h", "events": ["user.banned", "session.ended"], "description": "billing"],
                token: admin)
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? Int)
            #expect((created.json["secret"] as? String)?.hasPrefix("whsec_") == true)
            #expect(created.json["events"] as? [String] == ["session.ended", "user.banned"])

            let listed = try await client.request(.get, "/admin/webhooks", token: admin)
            let first = try #require((listed.json["webhooks"] as? [[String: Any]])?.first)
            #expect(first["secret"] == nil)
            #expect((listed.json["event_types"] as? [String])?.contains("user.signed_in") == true)

            let off = try await post(client, "/admin/webhooks/\(id)", ["enabled": false, "description": NSNull()], token: admin, method: .patch)
            #expect(off.status == .ok)
            #expect(off.json["enabled"] as? Bool == false)
            #expect(off.json["description"] is NSNull)
            let rotated = try await post(client, "/admin/webhooks/\(id)/rotate-secret", ["keep_old_hours": 2], token: admin)
            #expect(rotated.json["secret"] as? String != created.json["secret"] as? String)
            #expect(rotated.json["previous_secret_until"] is String)
            #expect(try await post(client, "/admin/webhooks/\(id)/rotate-secret", ["keep_old_hours": 500], token: admin).status == .badRequest)
            #expect(try await client.request(.post, "/admin/webhooks/\(id)/dead-letters/1/retry", token: admin).status == .notFound)
            #expect(try await client.request(.delete, "/admin/webhooks/\(id)", token: admin).status == .noContent)
            #expect(try await client.request(.get, "/admin/webhooks/\(id)", token: admin).status == .notFound)
            #expect(
                try await harness.sql.strings("SELECT action FROM audit_log WHERE target = 'webhook:\(id)' ORDER BY id") == [
                    "webhook.create", "webhook.update", "webhook.rotate_secret", "webhook.delete",
                ])
        }
    }
}
