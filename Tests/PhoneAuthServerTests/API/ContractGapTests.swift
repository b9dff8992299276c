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
        #expect(EntityTagList.parse("*") == ["*"])
        #expect(EntityTagList.parse(#""a""#) == [#""a""#])
        #expect(EntityTagList.parse(#" W/"x", "y,z" ,""  "#) == [#"W/"x""#, #""y,z""#, #""""#])
        #expect(EntityTagList.parse("\"a\"\t,\t\"b\"") == [#""a""#, #""b""#])
        for invalid in ["", " ", "0", "abc", #""a"#, #""a" "b""#, #""a","#, "*, \"a\"", #"W/ "a""#, "\"a\u{1}\""] {
            #expect(EntityTagList.parse(invalid) == nil, "\(invalid.debugDescription)")
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

    /// A field the document lets a client leave out but gives no `null` (a challenge's solution, the verify path's
    /// phone or id, an admin patch's role) is 400 when sent as null, naming it: Foundation would have read null as
    /// absent and accepted a body the contract calls invalid (schemathesis found `"solution": null` answered 202).
    @Test(arguments: Backend.all) func aNullWhereTheDocumentAllowsNoneIs400NamingTheField(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let sends: [[String: Any]] = [
                ["phone": "+13125550100", "challenge": "", "solution": NSNull()], ["phone": "+13125550100", "challenge": NSNull()],
            ]
            for body in sends {
                let refused = try await client.request(.post, "/auth/send-code", json: body)
                #expect(refused.status == .badRequest, "\(body)")
                #expect(refused.errorCode == "invalid_request")
            }
            #expect(harness.sms.sent.isEmpty)
            let solution = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100", "solution": NSNull()])
            #expect((solution.json["error"] as? [String: Any])?["field"] as? String == "solution")
            for field in ["phone", "verification_id"] {
                var body: [String: Any] = ["verification_code": "123456", field: NSNull()]
                body[field == "phone" ? "verification_id" : "phone"] = field == "phone" ? "vid" : "+13125550100"
                let refused = try await client.request(.post, "/auth/verify-code", json: body)
                #expect(refused.status == .badRequest, "\(field)")
                #expect((refused.json["error"] as? [String: Any])?["field"] as? String == field)
            }
            // Left out, both are still optional.
            #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"]).status == .accepted)
            let admin = try await harness.signInAdmin(client)
            let user = try #require(try await harness.sql.users().first?.id)
            let patch = try await client.request(.patch, "/admin/users/\(user)", json: ["role": NSNull()], token: admin)
            #expect(patch.status == .badRequest)
        }
    }

    /// The audit log's `target` filter is any text up to 200 characters: one with a control character (a NUL, which
    /// PostgreSQL cannot even take) matches no entry, rather than failing with 500 (schemathesis found it).
    @Test(arguments: Backend.all) func anAuditTargetWithAControlCharacterMatchesNothing(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { (client) async throws -> Void in
            let admin = try await harness.signInAdmin(client)
            for target in ["user%3A1%00", "%01", "%C2%89x"] {
                let answer = try await client.request(.get, "/admin/audit?target=\(target)", token: admin)
                #expect(answer.status == .ok, "\(target)")
                #expect((answer.json["entries"] as? [Any])?.isEmpty == true)
            }
            // The other parameters are still checked first.
            #expect(try await client.request(.get, "/admin/audit?target=%1E&before=true", token: admin).status == .badRequest)
            #expect(try await client.request(.get, "/admin/audit?target=%1E&limit=x", token: admin).status == .badRequest)
            let long = String(repeating: "%C3%A9", count: 200)
            #expect(try await client.request(.get, "/admin/audit?target=\(long)", token: admin).status == .ok)
        }
    }
}
