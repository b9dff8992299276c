import ClientCore
import Foundation
import Synchronization
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Answers each request with the next scripted status and body, and keeps the requests: ClientCore without a server.
/// (Against the real server: the Client tests of PhoneAuthServerTests.)
final class ScriptedTransport: HTTPTransport {
    struct Answer {
        var status: Int
        var body: String
        var headers: [String: String] = [:]
    }

    private let answers: Mutex<[Answer]>
    private let seen = Mutex<[URLRequest]>([])

    init(_ answers: [Answer]) {
        self.answers = Mutex(answers)
    }

    var requests: [URLRequest] { seen.withLock { $0 } }

    /// The JSON body of the `index`th request, as an object.
    func body(_ index: Int) throws -> [String: String] {
        let data = try #require(requests[index].httpBody)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        seen.withLock { $0.append(request) }
        guard let answer = answers.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { throw URLError(.notConnectedToInternet) }
        let response = HTTPURLResponse(url: request.url!, statusCode: answer.status, httpVersion: "HTTP/1.1", headerFields: answer.headers)!
        return (Data(answer.body.utf8), response)
    }
}

/// PhoneAuthClient builds the requests of the wire types and turns every answer into a value or a typed error.
@Suite struct PhoneAuthClientTests {
    private func client(_ transport: ScriptedTransport) -> PhoneAuthClient {
        PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:9")!, transport: transport)
    }

    private static let sent = #"{"status":"sent","verification_id":"v1","expires_in":300,"resend_after":60}"#

    @Test func sendCodePostsThePhoneAndDecodesTheAnswer() async throws {
        let transport = ScriptedTransport([.init(status: 202, body: Self.sent)])
        let sent = try await client(transport).sendCode(phone: "+13125550100")
        #expect(sent == CodeSent(verificationID: "v1", expiresIn: 300, resendAfter: 60))
        #expect(transport.requests[0].httpMethod == "POST")
        #expect(transport.requests[0].url?.path == "/auth/send-code")
        #expect(transport.requests[0].value(forHTTPHeaderField: "Content-Type") == "application/json")
        #expect(try transport.body(0) == ["phone": "+13125550100"])
    }

    @Test func verifyCodeSendsTheVerificationIDOrThePhoneWithTheCode() async throws {
        let user = #"{"id":7,"phone_number":"+13125550100","full_name":null,"profile_image_url":null,"is_active":true,"#
            + #""is_verified":true,"market":"us","language":"en","country":"United States","last_login":"2026-12-06T08:00:00Z","#
            + #""created_at":"2026-12-01T08:00:00Z","updated_at":"2026-12-06T08:00:00Z"}"#
        let grant = #"{"access_token":"a","token_type":"Bearer","expires_in":1800,"refresh_token":"r","refresh_expires_in":2592000,"#
            + #""user":\#(user)}"#
        let transport = ScriptedTransport([.init(status: 200, body: grant), .init(status: 200, body: grant)])
        let byID = try await client(transport).verifyCode(verificationID: "v1", code: "123456")
        _ = try await client(transport).verifyCode(phone: "+13125550100", code: "123456")
        #expect(try transport.body(0) == ["verification_id": "v1", "verification_code": "123456"])
        #expect(try transport.body(1) == ["phone": "+13125550100", "verification_code": "123456"])
        #expect(byID.user.id == 7 && byID.user.market == "us" && byID.user.fullName == nil)
        #expect(byID.user.lastLogin == Date(timeIntervalSince1970: 1_796_544_000))
    }

    @Test func aServerRefusalKeepsItsCodeAndDetails() async throws {
        let refusal = #"{"error":{"code":"invalid_code","message":"The code is wrong or has expired.","attempts_remaining":2}}"#
        let limited = #"{"error":{"code":"resend_too_soon","message":"Wait."}}"#
        let transport = ScriptedTransport([
            .init(status: 400, body: refusal), .init(status: 429, body: limited, headers: ["Retry-After": "42"]),
        ])
        await #expect(throws: PhoneAuthClientError.server(
            status: 400, code: "invalid_code", message: "The code is wrong or has expired.", details: .init(attemptsRemaining: 2))
        ) { try await client(transport).verifyCode(verificationID: "v1", code: "000000") }
        do {
            _ = try await client(transport).sendCode(phone: "+13125550100")
            Issue.record("a 429 was taken for a success")
        } catch {
            #expect(error.errorCode == .resendTooSoon)
            #expect(error.retryAfter == 42)  // from the header, as the body has none
        }
    }

    /// A newer server's code is kept as text; an answer that is not PhoneAuth's error shape is said to be unexpected.
    @Test func anUnknownCodeAndAForeignErrorPageAreTold() async throws {
        let transport = ScriptedTransport([
            .init(status: 409, body: #"{"error":{"code":"number_recycled","message":"New."}}"#),
            .init(status: 502, body: "<html>Bad Gateway</html>"),
        ])
        do {
            _ = try await client(transport).sendCode(phone: "+13125550100")
            Issue.record("a 409 was taken for a success")
        } catch {
            #expect(error.code == "number_recycled")
            #expect(error.errorCode == nil)
        }
        await #expect(throws: PhoneAuthClientError.unexpectedResponse("HTTP 502 without a PhoneAuth error body")) {
            try await client(transport).sendCode(phone: "+13125550100")
        }
    }

    /// A 428 is solved and the send repeated once with the challenge and its solution.
    @Test func aChallengeIsSolvedAndTheSendRepeated() async throws {
        let challenge = #"{"error":{"code":"challenge_required","message":"Solve it.","challenge":"c1","difficulty":4,"expires_in":300}}"#
        let transport = ScriptedTransport([.init(status: 428, body: challenge), .init(status: 202, body: Self.sent)])
        let sent = try await client(transport).sendCode(phone: "+13125550100")
        #expect(sent.verificationID == "v1")
        let repeated = try transport.body(1)
        #expect(repeated["phone"] == "+13125550100" && repeated["challenge"] == "c1")
        let solution = try #require(repeated["solution"])
        let expected = await ProofOfWorkChallenge(token: "c1", difficulty: 4, expiresIn: 300).solve(progress: nil)
        #expect(solution == expected)
    }

    /// A real URLSession to a port nobody listens on.
    @Test func anUnreachableServerIsATransportError() async throws {
        let api = PhoneAuthClient(baseURL: URL(string: "http://127.0.0.1:1")!, timeout: 5)
        do {
            _ = try await api.sendCode(phone: "+13125550100")
            Issue.record("expected a transport error")
        } catch {
            guard case .transport = error else { Issue.record("expected transport, got \(error)"); return }
        }
    }

    /// The wire types write every key of a profile and an address, `null` when empty (the server's JSON), and read it
    /// back unchanged: what a profile cache stores survives.
    @Test func profilesAndAddressesRoundTripWithExplicitNulls() throws {
        let profile = UserProfile(
            id: 7, phoneNumber: "+996555123456", fullName: nil, profileImageURL: nil, isActive: true, isVerified: true, market: "kg",
            language: "ru", country: "Kyrgyzstan", lastLogin: nil, createdAt: Date(timeIntervalSince1970: 1_796_000_000),
            updatedAt: nil)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let json = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(profile)) as? [String: Any])
        #expect(Set(json.keys) == [
            "id", "phone_number", "full_name", "profile_image_url", "is_active", "is_verified", "market", "language", "country",
            "last_login", "created_at", "updated_at",
        ])
        #expect(json["full_name"] is NSNull && json["last_login"] is NSNull)
        #expect(try decoder.decode(UserProfile.self, from: try encoder.encode(profile)) == profile)

        let address = Address(
            id: 3, label: nil, line1: "1 Chuy Ave", line2: nil, city: "Bishkek", region: nil, postalCode: "720001", country: "Kyrgyzstan",
            createdAt: nil, updatedAt: nil)
        let fields = try #require(try JSONSerialization.jsonObject(with: try encoder.encode(address)) as? [String: Any])
        #expect(fields["etag"] == nil && fields["label"] is NSNull)
        var tagged = address
        tagged.etag = "\"abc\""
        #expect(try decoder.decode(Address.self, from: try encoder.encode(tagged)) == tagged)
    }
}
