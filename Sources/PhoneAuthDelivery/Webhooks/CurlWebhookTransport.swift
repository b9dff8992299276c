import PhoneAuthCore

/// Webhook requests over libcurl: 2 s to connect, 10 s for an answer (an endpoint slower than that is a failure, and
/// retried).
package struct CurlWebhookTransport: WebhookTransport {
    package let curl: CurlClient

    package init(curl: CurlClient) {
        self.curl = curl
    }

    package func post(url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> Int {
        var request = CurlRequest(url: url)
        request.headers = headers.map { "\($0.name): \($0.value)" }
        request.body = body
        request.timeout = .seconds(10)
        return try await curl.perform(request).status
    }
}
