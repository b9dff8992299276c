import Foundation

/// What an operator asks of an endpoint: its address, events, description, phone numbers in payloads, on or off.
package struct WebhookSettings: Sendable, Equatable {
    package var url: String?
    package var description: String??
    package var events: [String]?
    package var includePhone: Bool?
    package var enabled: Bool?

    package init(url: String? = nil, description: String?? = nil, events: [String]? = nil, includePhone: Bool? = nil, enabled: Bool? = nil) {
        (self.url, self.description, self.events, self.includePhone, self.enabled) = (url, description, events, includePhone, enabled)
    }
}

/// The configured endpoints, their delivery state and their dead letters. An instance takes an endpoint for a while
/// (`lease`) before delivering to it, so across a fleet one instance at a time delivers to each, in order.
package protocol WebhookRepository: Sendable {
    /// A new endpoint; it receives the events logged from now on.
    func create(
        url: String, description: String?, events: [String], includePhone: Bool, secret: WebhookSecret, now: Date
    ) async throws
        -> WebhookEndpoint
    func list() async throws -> [WebhookEndpoint]
    func find(id: Int64) async throws -> WebhookEndpoint?
    /// nil for no such endpoint.
    func update(id: Int64, _ settings: WebhookSettings, now: Date) async throws -> WebhookEndpoint?
    func delete(id: Int64) async throws -> Bool
    /// Signs with `secret` from now on, and with the current one too until `keepOldUntil`.
    func rotate(id: Int64, to secret: WebhookSecret, keepOldUntil: Date, now: Date) async throws -> WebhookEndpoint?

    /// Enabled endpoints due for a delivery (no retry wait pending) that no instance holds, held by `owner` until `until`.
    func lease(owner: String, until: Date, now: Date, limit: Int) async throws -> [WebhookEndpoint]
    /// The event after `cursor` was handled (delivered, or not wanted): the cursor moves to `eventID`, failures clear.
    func advance(id: Int64, owner: String, to eventID: Int64) async throws
    /// The event after the cursor failed; tried again at `nextAttemptAt`. The lease ends.
    func recordFailure(id: Int64, owner: String, error: String, nextAttemptAt: Date, now: Date) async throws
    /// The event after the cursor is given up: kept as a dead letter, and the cursor moves past it.
    func deadLetter(id: Int64, owner: String, event: AuthEvent, body: String, error: String, now: Date) async throws
    /// Ends `owner`'s lease of the endpoint.
    func release(id: Int64, owner: String) async throws

    func deadLetters(endpointID: Int64, limit: Int) async throws -> [WebhookDeadLetter]
    /// Asks for a dead letter to be sent again; false when the endpoint has no such dead letter waiting (none of that
    /// id, delivered already, or asked for already).
    func requestRetry(endpointID: Int64, deadLetterID: Int64, now: Date) async throws -> Bool
    /// Dead letters an operator asked to send again, not yet delivered.
    func retriesDue(limit: Int) async throws -> [WebhookDeadLetter]
    /// A retried dead letter's outcome: delivered, or failed again (the request is dropped; it may be asked again).
    func finishRetry(id: Int64, delivered: Bool, error: String?, now: Date) async throws
}
