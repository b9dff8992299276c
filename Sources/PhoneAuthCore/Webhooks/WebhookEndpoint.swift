import Foundation

/// Where an app backend wants events, which ones, and how delivery to it stands. Deliveries go one at a time and in
/// the log's order: `cursor` is the last event handled (delivered, passed over, or dead-lettered), and a failing event
/// holds the ones behind it until it succeeds or its retries run out.
package struct WebhookEndpoint: Sendable, Equatable {
    package var id: Int64
    package var url: String
    package var description: String?
    /// The event types it receives; `*` for all.
    package var events: [String]
    package var secret: WebhookSecret
    /// During a rotation, the secret it had, still signing until `previousUntil`.
    package var previousSecret: WebhookSecret?
    package var previousUntil: Date?
    /// Whether payloads carry the user's phone number.
    package var includePhone: Bool
    package var enabled: Bool
    package var cursor: Int64
    /// Failed attempts at the event after `cursor`.
    package var attempts: Int
    package var nextAttemptAt: Date?
    package var failingSince: Date?
    package var lastError: String?
    package var createdAt: Date

    package init(
        id: Int64, url: String, description: String?, events: [String], secret: WebhookSecret, previousSecret: WebhookSecret? = nil,
        previousUntil: Date? = nil, includePhone: Bool, enabled: Bool, cursor: Int64, attempts: Int = 0, nextAttemptAt: Date? = nil,
        failingSince: Date? = nil, lastError: String? = nil, createdAt: Date
    ) {
        (self.id, self.url, self.description, self.events, self.secret) = (id, url, description, events, secret)
        (self.previousSecret, self.previousUntil, self.includePhone, self.enabled) = (previousSecret, previousUntil, includePhone, enabled)
        (self.cursor, self.attempts, self.nextAttemptAt, self.failingSince, self.lastError) = (
            cursor, attempts, nextAttemptAt, failingSince, lastError
        )
        self.createdAt = createdAt
    }

    /// The endpoint as `settings` change it (what they leave out stays).
    package func applying(_ settings: WebhookSettings) -> WebhookEndpoint {
        var changed = self
        if let url = settings.url { changed.url = url }
        if let description = settings.description { changed.description = description }
        if let events = settings.events { changed.events = events }
        if let includePhone = settings.includePhone { changed.includePhone = includePhone }
        if let enabled = settings.enabled { changed.enabled = enabled }
        return changed
    }

    /// Whether it receives events of `type`.
    package func wants(_ type: String) -> Bool {
        events.contains("*") || events.contains(type)
    }

    /// The secrets a delivery at `now` is signed with: the current one, and the previous one during its overlap.
    package func signingSecrets(at now: Date) -> [WebhookSecret] {
        guard let previousSecret, let until = previousUntil, until > now else { return [secret] }
        return [secret, previousSecret]
    }
}
