import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// What the OpenAPI document allows the server takes, and what the server refuses the document says: the gaps
/// schemathesis' positive_data_acceptance found, each pinned here so it cannot open again.
@Suite struct ContractGapTests {
    @Test func ifMatchIsStarOrEntityTagsACommaInsideATagIncluded() {
        #expect(ETag.entityTags("*") == ["*"])
        #expect(ETag.entityTags(#""a""#) == [#""a""#])
        #expect(ETag.entityTags(#" W/"x", "y,z" ,""  "#) == [#"W/"x""#, #""y,z""#, #""""#])
        #expect(ETag.entityTags("\"a\"\t,\t\"b\"") == [#""a""#, #""b""#])
        for invalid in ["", " ", "0", "abc", #""a"#, #""a" "b""#, #""a","#, "*, \"a\"", #"W/ "a""#, "\"a\u{1}\""] {
            #expect(ETag.entityTags(invalid) == nil, "\(invalid.debugDescription)")
        }
    }

    @Test(arguments: Backend.all) func anIfMatchThatNamesNoTagIs400AndAnEditThatCannotApplyIs400WhateverTheTag(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let token = try await harness.signIn(client)
            for header in ["", "0", "etag"] {
                let refused = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "X"], token: token, headers: [.ifMatch: header])
                #expect(refused.status == .badRequest, "If-Match: \(header)")
                #expect(refused.errorCode == "invalid_request")
            }
            #expect(try await harness.sql.users().first?.fullName == nil)

            let created = try await client.request(
                .post, "/api/v1/profile/addresses", json: ["line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"],
                token: token)
            let id = try #require(created.json["id"] as? Int)
            // Too long a line with a tag that no longer matches: the edit could never apply, so 400, not 412.
            let invalid = try await client.request(
                .patch, "/api/v1/profile/addresses/\(id)", json: ["line2": String(repeating: "8", count: 201)], token: token,
                headers: [.ifMatch: #"W/"old", "older""#])
            #expect(invalid.status == .badRequest)
            #expect(invalid.errorCode == "validation_failed")
            let stale = try await client.request(
                .patch, "/api/v1/profile/addresses/\(id)", json: ["line2": "Apt 4"], token: token, headers: [.ifMatch: #""old", "y,z""#])
            #expect(stale.status == .preconditionFailed)
        }
    }

    @Test(arguments: Backend.all) func headersQueriesAndRangesAreTakenAsTheDocumentDescribesThem(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let admin = try await harness.signInAdmin(client)
            // An Idempotency-Key is 1 to 255 of `!`…`~`: a control character is not one.
            let key = try await client.request(
                .post, "/auth/send-code", json: ["phone": "+13125550199"], headers: [HTTPField.Name("Idempotency-Key")!: "a\u{7}b"])
            #expect(key.status == .badRequest)
            #expect(key.errorCode == "invalid_request")
            // A challenge's answer is bounded as the document says, even where no challenge was asked for.
            let sends = try await harness.sql.int("SELECT COUNT(*) FROM sms_sends")
            let long = try await client.request(
                .post, "/auth/send-code", json: ["phone": "+13125550199", "challenge": "", "solution": String(repeating: "0", count: 65)])
            #expect(long.status == .badRequest)
            #expect(long.errorCode == "invalid_request")
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == sends)
            // Also under a key whose first request succeeded: a replay answers only what the document calls valid.
            let keyed: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "replayed-key"]
            let first = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550199"], headers: keyed)
            #expect(first.status == .accepted)
            let replayed = try await client.request(
                .post, "/auth/send-code", json: ["phone": "+13125550199", "challenge": "", "solution": String(repeating: "0", count: 65)],
                headers: keyed)
            #expect(replayed.status == .badRequest, "a seed of schemathesis found this one answered 202")
            #expect(replayed.errorCode == "invalid_request")
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM sms_sends") == sends + 1)
            // Two Unicode scalars (👍 and a skin tone) are two characters to the schema, and so to the search.
            let thumbs = try await client.request(.get, "/admin/users/search?q=%F0%9F%91%8D%F0%9F%8F%BB", token: admin)
            #expect(thumbs.status == .ok)
            // A NUL can be in no stored name: nothing matches (PostgreSQL would refuse it in a pattern).
            let nul = try await client.request(.get, "/admin/users/search?q=%01a%00b%0B", token: admin)
            #expect(nul.status == .ok)
            #expect((nul.json["users"] as? [Any])?.isEmpty == true)
            let padded = try await client.request(.get, "/admin/users/search?q=%20%20x%20%20", token: admin)
            #expect(padded.status == .badRequest, "one character besides the white space")
            // Four to six digits that no configured market's range is: not found; not digits at all: not a range.
            let unknown = try await client.request(.get, "/admin/ranges/+44123", token: admin)
            #expect(unknown.status == .notFound)
            #expect(try await client.request(.put, "/admin/ranges/+44123/block", json: ["reason": "x"], token: admin).status == .notFound)
            #expect(try await client.request(.get, "/admin/ranges/+1 312", token: admin).status == .ok)
            #expect(try await client.request(.get, "/admin/ranges/13+12", token: admin).status == .badRequest)
            #expect(try await client.request(.get, "/admin/ranges/+13", token: admin).status == .badRequest)
        }
    }
}
