import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends one HTTP request. `URLSessionTransport` in apps; a wrapper can observe traffic in tests.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the body and response of any status; throws only when there is no answer.
    func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse)
}

/// URLSession (on Linux it runs over libcurl).
public struct URLSessionTransport: HTTPTransport {
    private let session: URLSession

    /// A transport over `session`.
    public init(session: URLSession = .shared) {
        self.session = session
    }

    /// Sends `request` through the URLSession.
    public func send(_ request: URLRequest) async throws -> (Data, HTTPURLResponse) {
        let (data, response) = try await session.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        return (data, http)
    }
}
