import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

@Suite struct ErrorHandlingTests {
    @Test(arguments: [
        ("{", "invalid_request", nil),
        ("", "invalid_request", nil),
        ("[1,2]", "invalid_request", nil),
        ("{}", "invalid_request", "phone"),
        (#"{"phone": 13125550100}"#, "invalid_request", "phone"),
        (#"{"phone": null}"#, "invalid_request", "phone"),
        (#"{"phone": "+1 312 CALL NOW"}"#, "invalid_phone", nil),
    ] as [(String, String, String?)])
    func badSendCodeBodiesAre400NamingTheField(body: String, code: String, field: String?) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.request(.post, "/auth/send-code", body: body)
            #expect(response.status == .badRequest)
            #expect(response.errorCode == code)
            #expect(response.errorDetail["field"] as? String == field)
            #expect((response.errorDetail["message"] as? String)?.isEmpty == false)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        }
        #expect(harness.sms.sent.isEmpty)
    }

    @Test func verifyCodeNamesAMissingField() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.request(.post, "/auth/verify-code", json: ["phone": "+13125550100"])
            #expect(response.status == .badRequest)
            #expect(response.errorDetail["field"] as? String == "verification_code")
        }
    }

    @Test func aNumberOfAnUnservedCountryIs403AndNoSMSIsSent() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.request(.post, "/auth/send-code", json: ["phone": "+44 20 7946 0958"])
            #expect(response.status == .forbidden)
            #expect(response.errorCode == "market_not_supported")
        }
        #expect(harness.sms.sent.isEmpty)
    }

    @Test func bodiesOver16KiBAre413() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let padding = String(repeating: "x", count: 17 * 1024)
            let response = try await client.request(.post, "/auth/send-code", body: #"{"phone":"+13125550100","pad":"\#(padding)"}"#)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorCode == "payload_too_large")
        }
        #expect(harness.sms.sent.isEmpty)
    }

    @Test func unknownRoutesAre404JSON() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            for path in ["/nope", "/auth/nope", "/api/v1/nope/deeper"] {
                let response = try await client.request(.get, path)
                #expect(response.status == .notFound)
                #expect(response.errorCode == "not_found")
            }
        }
    }

    @Test func aKnownPathWithTheWrongMethodIs405WithAllow() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let sendCode = try await client.request(.get, "/auth/send-code")
            #expect(sendCode.status == .methodNotAllowed)
            #expect(sendCode.errorCode == "method_not_allowed")
            #expect(sendCode.headers[.allow] == "POST")
            let address = try await client.request(.put, "/api/v1/profile/addresses/7")
            #expect(address.status == .methodNotAllowed)
            #expect(address.headers[.allow] == "PATCH, DELETE")
            // A literal segment is its own resource, not also the parameter beside it (`/admin/users/{id}`).
            #expect(try await client.request(.post, "/admin/users/search").headers[.allow] == "GET")
            #expect(try await client.request(.put, "/admin/users/7").headers[.allow] == "GET, PATCH")
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let ok = try await client.request(.get, "/health")
            let missing = try await client.request(.get, "/nope")
            let okID = try #require(ok.headers[.init("X-Request-ID")!])
            let missingID = try #require(missing.headers[.init("X-Request-ID")!])
            #expect(okID != missingID)
        }
    }
}
