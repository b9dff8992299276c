import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// What an attacker sends, over real HTTP: each request gets its documented status and error code, the server stays
/// up, and nothing is written (row counts are compared before and after). SQL metacharacters are the exception that
/// proves the rule: they are data, stored exactly as sent.
@Suite struct HostileInputTests {
    struct Hostile: Sendable, CustomTestStringConvertible {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: [UInt8]?
        var contentType: String? = "application/json"
        var authenticated = true
        var status: HTTPResponse.Status
        var code: String

        var testDescription: String { name }
    }

    private static func json(_ text: String) -> [UInt8] { Array(text.utf8) }

    static let cases: [Hostile] = [
        Hostile(
            name: "oversized body", method: .post, path: "/auth/send-code",
            body: json(#"{"phone":"+13125550100","pad":""# + String(repeating: "a", count: 20_000) + #""}"#),
            authenticated: false, status: .contentTooLarge, code: "payload_too_large"),
        Hostile(
            name: "deeply nested JSON", method: .patch, path: "/api/v1/profile",
            body: json(#"{"full_name":"# + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "}"),
            status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "deeply nested objects", method: .post, path: "/auth/send-code",
            body: json(String(repeating: #"{"a":"#, count: 2_000) + "1" + String(repeating: "}", count: 2_000)),
            authenticated: false, status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "invalid JSON", method: .post, path: "/auth/send-code", body: json(#"{"phone": "+13125550100""#),
            authenticated: false, status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "a JSON array instead of an object", method: .post, path: "/auth/verify-code", body: json("[1,2,3]"),
            authenticated: false, status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "duplicate keys", method: .post, path: "/auth/send-code",
            body: json(#"{"phone":"+13125550100","phone":"+13125550199"}"#), authenticated: false, status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "duplicate keys, one escaped", method: .patch, path: "/api/v1/profile",
            body: json(#"{"full_name":"A","full_nam\u0065":"B"}"#), status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "duplicate keys, canonically equivalent (what the decoder merges)", method: .patch, path: "/api/v1/profile",
            body: json("{\"full_name\":\"A\",\"n\u{E9}\":1,\"ne\u{301}\":2}"), status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "wrong content type", method: .post, path: "/auth/send-code", body: json(#"{"phone":"+13125550100"}"#),
            contentType: "text/xml", authenticated: false, status: .unsupportedMediaType, code: "unsupported_media_type"),
        Hostile(
            name: "invalid UTF-8", method: .patch, path: "/api/v1/profile",
            body: json(#"{"full_name":""#) + [0xC3, 0x28, 0xFF, 0xFE] + json(#""}"#), status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "NUL byte in a name", method: .patch, path: "/api/v1/profile", body: json(#"{"full_name":"Ai\u0000da"}"#),
            status: .badRequest, code: "validation_failed"),
        Hostile(
            name: "NUL byte in a phone", method: .post, path: "/auth/send-code", body: json(#"{"phone":"+1312555\u00000100"}"#),
            authenticated: false, status: .badRequest, code: "invalid_phone"),
        Hostile(
            name: "very long phone", method: .post, path: "/auth/send-code",
            body: json(#"{"phone":"+1"# + String(repeating: "5", count: 5_000) + #""}"#), authenticated: false, status: .badRequest,
            code: "invalid_phone"),
        Hostile(
            name: "SQL in a phone", method: .post, path: "/auth/send-code", body: json(#"{"phone":"+1' OR '1'='1"}"#),
            authenticated: false, status: .badRequest, code: "invalid_phone"),
        Hostile(
            name: "SQL in a verification id", method: .post, path: "/auth/verify-code",
            body: json(#"{"verification_id":"v' OR 1=1;--aaaaaaaaaaaaa","verification_code":"123456"}"#),
            authenticated: false, status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "SQL in a refresh token", method: .post, path: "/auth/refresh", body: json(#"{"refresh_token":"' OR '1'='1"}"#),
            authenticated: false, status: .unauthorized, code: "invalid_refresh_token"),
        Hostile(
            name: "SQL in the logout scope", method: .post, path: "/auth/logout?scope=global'%3B--", body: nil,
            status: .badRequest, code: "invalid_request"),
        Hostile(
            name: "SQL in a session id", method: .delete, path: "/auth/sessions/'%20OR%20'1'%3D'1", body: nil,
            status: .notFound, code: "not_found"),
        Hostile(
            name: "SQL in a market code", method: .get, path: "/api/v1/markets/us'%20OR%201%3D1", body: nil,
            status: .forbidden, code: "market_mismatch"),
        Hostile(name: "a negative id", method: .delete, path: "/api/v1/profile/addresses/-1", body: nil, status: .notFound, code: "not_found"),
        Hostile(name: "a zero id", method: .delete, path: "/api/v1/profile/addresses/0", body: nil, status: .notFound, code: "not_found"),
        Hostile(
            name: "a huge id", method: .patch, path: "/api/v1/profile/addresses/99999999999999999999999",
            body: json(#"{"label":"x"}"#), status: .notFound, code: "not_found"),
        Hostile(name: "a non-numeric id", method: .delete, path: "/api/v1/profile/addresses/abc", body: nil, status: .notFound, code: "not_found"),
        Hostile(
            name: "path traversal in an id", method: .delete, path: "/api/v1/profile/addresses/..%2F..%2Fetc%2Fpasswd", body: nil,
            status: .notFound, code: "not_found"),
        Hostile(
            name: "path traversal in a session id", method: .delete, path: "/auth/sessions/..%2F..%2F..%2Fetc%2Fpasswd", body: nil,
            status: .notFound, code: "not_found"),
    ]

    /// The rows a hostile request must not change.
    private static func counts(_ harness: TestHarness) async throws -> [Int] {
        var counts: [Int] = []
        for table in ["users", "user_sessions", "verifications", "sms_sends", "addresses", "idempotency_keys", "verify_failures"] {
            counts.append(try await harness.sql.int("SELECT COUNT(*) FROM \(table)"))
        }
        return counts
    }

    @Test(arguments: Backend.all, cases)
    func aHostileRequestGetsItsDocumentedErrorAndWritesNothing(backend: Backend, hostile: Hostile) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client)
            let before = try await Self.counts(harness)
            var headers = HTTPFields()
            if let type = hostile.contentType, hostile.body != nil { headers[.contentType] = type }
            if hostile.authenticated { headers[.authorization] = "Bearer \(token)" }
            let response = try await client.execute(
                uri: hostile.path, method: hostile.method, headers: headers, body: hostile.body.map { ByteBuffer(bytes: $0) })
            #expect(response.status == hostile.status, "\(String(buffer: response.body))")
            #expect(response.errorCode == hostile.code)
            #expect(try await Self.counts(harness) == before, "nothing written")
            #expect(try await client.request(.get, "/api/v1/profile", token: token).status == .ok, "the server still serves")
        }
    }

    /// In every string field SQL is only text: stored exactly as sent, and no table is harmed.
    @Test(arguments: Backend.all)
    func sqlMetacharactersInEveryStringFieldAreStoredAsText(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let evil = #"Bob'); DROP TABLE users;-- " \ % _ /*x*/ $1"#
        try await harness.test(.live) { client in
            let token = try await harness.signIn(client)
            let profile = try await client.request(.patch, "/api/v1/profile", json: ["full_name": evil], token: token)
            #expect(profile.status == .ok)
            #expect(profile.json["full_name"] as? String == evil)
            let fields = ["label", "line1", "line2", "city"]
            var body: [String: Any] = ["region": "IL", "postal_code": "60601"]
            for field in fields { body[field] = evil + field }
            let created = try await client.request(.post, "/api/v1/profile/addresses", json: body, token: token)
            #expect(created.status == .created)
            for field in fields { #expect(created.json[field] as? String == evil + field) }
            let found = try await client.request(.get, "/admin/users?phone=" + "%27%20OR%20%271%27%3D%271", token: token)
            #expect(found.status == .forbidden, "not an admin: refused before the query")
        }
        #expect(try await harness.sql.users().map(\.fullName) == [evil])
        #expect(try await harness.sql.addresses().map(\.line1) == [evil + "line1"])
    }

    /// A bare CR or LF inside a header value is refused by the HTTP parser; a request id carrying one is never echoed.
    @Test func crlfInAHeaderValueNeverReachesAResponse() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let port = try #require(client.port)
            for injected in ["X-Request-ID: abc\rSet-Cookie: stolen=1", "X-Request-ID: abc\nSet-Cookie: stolen=1", "X-Request-ID: a\u{0}b"] {
                let connection = try RawConnection(port: port)
                connection.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\(injected)\r\nConnection: close\r\n\r\n")
                let answer = await connection.readUntilClosed(limit: 5)
                #expect(!answer.text.lowercased().contains("set-cookie"), "\(answer.text)")
                #expect(answer.text.hasPrefix("HTTP/1.1 400") || !answer.text.contains("X-Request-ID: abc"), "\(answer.text)")
            }
            // A folded header (obsolete line folding) is refused too.
            let folded = try RawConnection(port: port)
            folded.send("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-ID: abc\r\n Set-Cookie: x=1\r\nConnection: close\r\n\r\n")
            let answer = await folded.readUntilClosed(limit: 5)
            #expect(!answer.text.lowercased().contains("set-cookie"))
            #expect(try await client.request(.get, "/health/live").status == .ok)
        }
    }
}
