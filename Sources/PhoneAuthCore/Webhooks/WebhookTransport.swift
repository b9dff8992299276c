/// Sends one webhook request (libcurl in production): the HTTP status it got, or a thrown error when none came.
package protocol WebhookTransport: Sendable {
    func post(url: String, headers: [(name: String, value: String)], body: [UInt8]) async throws -> Int
}
