import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Opens the operator's authorize address the way Number Verification needs: over the mobile network, following the
/// operator's redirects, and stopping at the redirect to the app's server (whose query carries `code` and `state`).
/// ``URLSessionMobileNetworkBrowser`` is the default; an iOS app may give one whose session is bound to the cellular
/// interface (Network framework's `requiredInterfaceType = .cellular`), so the check works with Wi-Fi on too.
public protocol MobileNetworkBrowser: Sendable {
    /// The first address `url` redirects to that starts with `callback`, without opening it.
    func follow(_ url: URL, until callback: URL) async throws -> URL
}

/// Follows the redirects one hop at a time over a URLSession (at most ten), never letting the session follow them on
/// its own, so the last one, to the app's server, is read and not opened.
public struct URLSessionMobileNetworkBrowser: MobileNetworkBrowser {
    private let session: URLSession

    /// A browser over a session of its own: cellular allowed, no cookies kept, each hop bounded by `timeout`.
    public init(timeout: TimeInterval = 10) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.allowsCellularAccess = true
        configuration.timeoutIntervalForRequest = timeout
        session = URLSession(configuration: configuration, delegate: NoRedirects(), delegateQueue: nil)
    }

    /// Opens `url` and each redirect after it until one starts with `callback`; that one is returned, unopened.
    public func follow(_ url: URL, until callback: URL) async throws -> URL {
        var next = url
        for _ in 0..<10 {
            let response = try await hop(next)
            guard (300..<400).contains(response.statusCode), let location = response.value(forHTTPHeaderField: "Location"),
                let target = URL(string: location, relativeTo: next)?.absoluteURL
            else { throw URLError(.badServerResponse) }
            if target.absoluteString.hasPrefix(callback.absoluteString) { return target }
            next = target
        }
        throw URLError(.httpTooManyRedirects)
    }

    private func hop(_ url: URL) async throws -> HTTPURLResponse {
        try await withCheckedThrowingContinuation { continuation in
            session.dataTask(with: URLRequest(url: url)) { _, response, error in
                if let http = response as? HTTPURLResponse {
                    continuation.resume(returning: http)
                } else {
                    continuation.resume(throwing: error ?? URLError(.badServerResponse))
                }
            }.resume()
        }
    }

    /// Answers every redirect with "do not follow": the browser reads each one itself.
    private final class NoRedirects: NSObject, URLSessionTaskDelegate, @unchecked Sendable {
        func urlSession(
            _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse, newRequest request: URLRequest,
            completionHandler: @escaping @Sendable (URLRequest?) -> Void
        ) {
            completionHandler(nil)
        }
    }
}
