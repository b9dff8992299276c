import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Talks to a PhoneAuth server over HTTP (URLSession; on Linux it runs over libcurl).
public struct PhoneAuthClient: Sendable {
    public let baseURL: URL
    private let session: URLSession
    private let timeout: TimeInterval

    public init(baseURL: URL, timeout: TimeInterval = 15, session: URLSession = .shared) {
        self.baseURL = baseURL
        self.session = session
        self.timeout = timeout
    }

    /// Asks the server to text a one-time code to `phone`.
    public func sendCode(phone: String) async throws(PhoneAuthClientError) -> CodeSent {
        try await post("auth/send-code", body: ["phone": phone])
    }

    /// Trades the texted code for an access token.
    public func verifyCode(phone: String, code: String) async throws(PhoneAuthClientError) -> TokenGrant {
        try await post("auth/verify-code", body: ["phone": phone, "verification_code": code])
    }

    private func post<Response: Decodable>(_ path: String, body: [String: String]) async throws(PhoneAuthClientError) -> Response {
        var request = URLRequest(url: baseURL.appendingPathComponent(path), timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = try? JSONEncoder().encode(body)
        return try await send(request)
    }

    private func send<Response: Decodable>(_ request: URLRequest) async throws(PhoneAuthClientError) -> Response {
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch {
            throw .transport(error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else { throw .unexpectedResponse("not HTTP") }
        guard (200..<300).contains(http.statusCode) else {
            if let body = try? JSONDecoder().decode(ServerErrorBody.self, from: data) {
                throw .server(status: http.statusCode, code: body.error.code, message: body.error.message)
            }
            throw .server(status: http.statusCode, code: "http_\(http.statusCode)", message: "HTTP \(http.statusCode)")
        }
        do {
            return try JSONDecoder().decode(Response.self, from: data)
        } catch {
            throw .unexpectedResponse("cannot decode \(Response.self): \(error)")
        }
    }
}
