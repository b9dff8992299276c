import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// ETags, If-None-Match (304), If-Match (412) and Idempotency-Key on address creation: what offline sync stands on.
@Suite struct ConditionalRequestTests {
    @Test(arguments: Backend.all) func theProfileRevalidatesWithItsETag(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client)
            let first = try await client.request(.get, "/api/v1/profile", token: token)
            let tag = try #require(first.headers[.eTag])
            let cached = try await client.request(.get, "/api/v1/profile", token: token, headers: [.ifNoneMatch: tag])
            #expect(cached.status == .notModified)
            #expect(cached.body.readableBytes == 0)
            harness.clock.advance(by: 1)
            let patched = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "New"], token: token)
            #expect(patched.headers[.eTag] != tag)
            let fresh = try await client.request(.get, "/api/v1/profile", token: token, headers: [.ifNoneMatch: tag])
            #expect(fresh.status == .ok)
            #expect(fresh.json["full_name"] as? String == "New")
        }
    }

    @Test(arguments: Backend.all) func anEditWithinTheSameMillisecondStillChangesTheETag(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client)
            let tag = try #require(try await client.request(.get, "/api/v1/profile", token: token).headers[.eTag])
            _ = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Same instant"], token: token)  // clock not moved
            let again = try await client.request(.get, "/api/v1/profile", token: token, headers: [.ifNoneMatch: tag])
            #expect(again.status == .ok)
            #expect(again.json["full_name"] as? String == "Same instant")
        }
    }

    @Test(arguments: Backend.all) func aProfileEditWithAStaleIfMatchIs412AndChangesNothing(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client)
            let tag = try #require(try await client.request(.get, "/api/v1/profile", token: token).headers[.eTag])
            harness.clock.advance(by: 1)
            let ok = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "First"], token: token, headers: [.ifMatch: tag])
            #expect(ok.status == .ok)
            harness.clock.advance(by: 1)
            let stale = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Second"], token: token, headers: [.ifMatch: tag])
            #expect(stale.status == .preconditionFailed)
            #expect(stale.errorCode == "precondition_failed")
            let user = try await harness.sql.users().first
            #expect(user?.fullName == "First")
        }
    }

    @Test(arguments: Backend.all) func theAddressListAndAddressEditsAreConditional(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client, phone: "+996555123456")
            let emptyTag = try #require(try await client.request(.get, "/api/v1/profile/addresses", token: token).headers[.eTag])
            #expect(
                try await client.request(.get, "/api/v1/profile/addresses", token: token, headers: [.ifNoneMatch: emptyTag]).status == .notModified)
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: ["line1": "Chui 1", "city": "Bishkek"], token: token)
            let id = try #require(created.json["id"] as? Int)
            let addressTag = try #require(created.headers[.eTag])
            #expect(created.json["etag"] as? String == addressTag)
            let listed = try await client.request(.get, "/api/v1/profile/addresses", token: token, headers: [.ifNoneMatch: emptyTag])
            #expect(listed.status == .ok)
            // Each item of the list carries the tag an edit of it is guarded with.
            let items = try #require(listed.json["addresses"] as? [[String: Any]])
            #expect(items.map { $0["etag"] as? String } == [addressTag])

            harness.clock.advance(by: 1)
            let edited = try await client.request(
                .patch, "/api/v1/profile/addresses/\(id)", json: ["city": "Osh"], token: token, headers: [.ifMatch: addressTag])
            #expect(edited.status == .ok)
            let stale = try await client.request(
                .patch, "/api/v1/profile/addresses/\(id)", json: ["city": "Naryn"], token: token, headers: [.ifMatch: addressTag])
            #expect(stale.status == .preconditionFailed)
            let stored = try await harness.sql.addresses().first
            #expect(stored?.city == "Osh")
        }
    }

    @Test(arguments: Backend.all) func aRetriedCreateWithTheSameIdempotencyKeyAddsOneAddress(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client, phone: "+996555123456")
            let other = try await harness.signIn(client, phone: "+996555000111")
            let body: [String: Any] = ["line1": "Chui 1", "city": "Bishkek"]
            let first = try await client.request(
                .post, "/api/v1/profile/addresses", json: body, token: token, headers: [.init("Idempotency-Key")!: "add-1"])
            let retry = try await client.request(
                .post, "/api/v1/profile/addresses", json: body, token: token, headers: [.init("Idempotency-Key")!: "add-1"])
            #expect(first.status == .created && retry.status == .created)
            #expect(first.json["id"] as? Int == retry.json["id"] as? Int)
            // The replay carries the first answer's ETag too (found by the schemathesis contract test).
            #expect(first.headers[.eTag] != nil)
            #expect(retry.headers[.eTag] == first.headers[.eTag])
            // The same key from another user is that user's own.
            let theirs = try await client.request(
                .post, "/api/v1/profile/addresses", json: body, token: other, headers: [.init("Idempotency-Key")!: "add-1"])
            #expect(theirs.status == .created)
            #expect(theirs.json["id"] as? Int != first.json["id"] as? Int)
            let count = try await harness.sql.addresses().count
            #expect(count == 2)
        }
    }
}
