import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer
@testable import PhoneAuthSQLite

/// Security defaults on every response, and the probes an orchestrator uses.
@Suite struct SecurityHeadersTests {
    private func expectHardened(_ response: TestResponse, private isPrivate: Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
        #expect(response.headers[.referrerPolicy] == "no-referrer", sourceLocation: sourceLocation)
        #expect((response.headers[.cacheControl] == "no-store") == isPrivate, sourceLocation: sourceLocation)
    }

    @Test func tokensProfilesAndTheirErrorsAreNeverStoredByCaches() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            expectHardened(sent, private: true)
            let token = try await harness.signIn(client, phone: "+13125550101")
            expectHardened(try await client.request(.get, "/api/v1/profile", token: token), private: true)
            let refused = try await client.request(.get, "/api/v1/profile", token: "not-a-token")
            #expect(refused.status == .unauthorized)
            expectHardened(refused, private: true)
            let badBody = try await client.request(.post, "/auth/verify-code", json: ["verification_code": "1"])
            #expect(badBody.status == .badRequest)
            expectHardened(badBody, private: true)
            // Public documents may be cached; they still get the other two.
            expectHardened(try await client.request(.get, "/.well-known/jwks.json"), private: false)
            expectHardened(try await client.request(.get, "/health"), private: false)
        }
    }

    /// Liveness does not depend on the database (an outage must not get the process restarted); readiness does.
    @Test func liveAnswersWithoutTheDatabaseAndReadyDoesNot() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let ready = try await client.request(.get, "/health/ready")
            let live = try await client.request(.get, "/health/live")
            #expect(ready.status == .ok)
            #expect(live.status == .ok)
        }
        let pool = try DatabasePool(path: harness.databasePath)
        var dependencies = harness.dependencies
        dependencies.storage = try .sqlite(try SQLiteDatabase(pool))
        try pool.close()
        try await harness.app(dependencies).test(.router) { client in
            let live = try await client.request(.get, "/health/live")
            #expect(live.status == .ok)
            #expect(live.json["status"] as? String == "ok")
            let ready = try await client.request(.get, "/health/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.errorCode == "service_unavailable")
        }
    }
}
