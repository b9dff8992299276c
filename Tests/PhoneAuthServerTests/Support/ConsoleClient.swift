import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// A browser, as far as the console can tell: keeps the cookies the server sets (Path=/console), posts forms with the
/// CSRF token of the last page it read, and follows nothing by itself (tests assert the redirects).
final class ConsoleClient: Sendable {
    let client: any TestClientProtocol
    let userAgent: String
    private let jar = Locked<[String: String]>([:])
    private let lastPage = Locked<String>("")
    private let lastCSRF = Locked<String?>(nil)
    /// Every Set-Cookie the server sent, newest last (tests check the attributes).
    private let setCookies = Locked<[String]>([])

    init(_ client: any TestClientProtocol, userAgent: String = "ConsoleTests/1.0") {
        (self.client, self.userAgent) = (client, userAgent)
    }

    var cookies: [String: String] { jar.withLock { $0 } }
    var setCookieHeaders: [String] { setCookies.withLock { $0 } }
    var html: String { lastPage.withLock { $0 } }

    /// The `csrf` field of the last page that had one (a redirect has none), as a browser's open tab keeps it.
    var csrf: String? { lastCSRF.withLock { $0 } }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        try await send(.get, path, body: nil)
    }

    /// Posts `fields`, with the last page's CSRF token unless `csrf` says otherwise (nil: none at all).
    @discardableResult
    func post(_ path: String, _ fields: [String: String] = [:], csrf: String?? = .none) async throws -> TestResponse {
        var fields = fields
        switch csrf {
        case .none: fields["csrf"] = self.csrf
        case .some(let value?): fields["csrf"] = value
        case .some(nil): break
        }
        let body = fields.sorted { $0.key < $1.key }.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        return try await send(.post, path, body: body)
    }

    /// Signs in through the console's forms with the code the harness's gateway recorded.
    @discardableResult
    func signIn(phone: String, harness: TestHarness) async throws -> TestResponse {
        try await get("/console/login")
        let sent = try await post("/console/login", ["phone": phone])
        #expect(sent.status == .ok)
        let id = try #require(Self.field("verification_id", in: html))
        let code = try #require(harness.sms.lastCode(to: try PhoneNumber(parsing: phone).e164))
        return try await post("/console/verify", ["verification_id": id, "code": code])
    }

    func forget(_ name: String) { _ = jar.withLock { $0.removeValue(forKey: name) } }

    private func send(_ method: HTTPRequest.Method, _ path: String, body: String?) async throws -> TestResponse {
        var headers: HTTPFields = [.userAgent: userAgent]
        let cookie = jar.withLock { $0.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        if !cookie.isEmpty { headers[.cookie] = cookie }
        if body != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        let response = try await client.execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) })
        for header in response.headers[values: .setCookie] {
            setCookies.withLock { $0.append(header) }
            let pair = header.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let (name, value) = (String(pair[0]), pair.count > 1 ? String(pair[1]) : "")
            let expired = header.contains("Max-Age=0")
            jar.withLock { jar in if expired || value.isEmpty { jar[name] = nil } else { jar[name] = value } }
        }
        let page = String(buffer: response.body)
        lastPage.withLock { $0 = page }
        if let token = Self.field("csrf", in: page) { lastCSRF.withLock { $0 = token } }
        return response
    }

    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    private static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}

extension TestResponse {
    var location: String? { headers[.location] }
    var text: String { String(buffer: body) }
}
