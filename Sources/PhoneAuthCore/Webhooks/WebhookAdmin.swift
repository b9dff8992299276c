import Foundation

/// The operator's side of webhooks, for the admin API and the CLI alike: endpoints added, changed, removed, their
/// secrets rotated and their dead letters sent again, each checked here and written to the audit log.
package struct WebhookAdmin: Sendable {
    package let webhooks: any WebhookRepository
    package let audit: any AuditRepository
    package let random: any RandomSource
    package let now: WallClock

    package init(webhooks: any WebhookRepository, audit: any AuditRepository, random: any RandomSource, now: @escaping WallClock) {
        (self.webhooks, self.audit, self.random, self.now) = (webhooks, audit, random, now)
    }

    /// The event types an endpoint may ask for (`*`: all).
    package static var eventTypes: [String] { AuthEvent.Kind.allCases.map(\.rawValue) }

    /// A new endpoint and its secret (shown this once).
    package func create(
        url: String, description: String?, events: [String], includePhone: Bool, by actor: OperatorActions.Operator
    )
        async throws -> WebhookEndpoint
    {
        let endpoint = try await webhooks.create(
            url: try Self.checked(url: url), description: try Self.checked(description: description), events: try Self.checked(events: events),
            includePhone: includePhone, secret: .generate(random), now: now())
        try await record(.createWebhook, endpoint.id, detail: endpoint.url, by: actor)
        return endpoint
    }

    package func update(id: Int64, _ settings: WebhookSettings, by actor: OperatorActions.Operator) async throws -> WebhookEndpoint? {
        var checked = settings
        if let url = settings.url { checked.url = try Self.checked(url: url) }
        if let description = settings.description { checked.description = .some(try Self.checked(description: description)) }
        if let events = settings.events { checked.events = try Self.checked(events: events) }
        guard let endpoint = try await webhooks.update(id: id, checked, now: now()) else { return nil }
        try await record(.updateWebhook, id, by: actor)
        return endpoint
    }

    package func delete(id: Int64, by actor: OperatorActions.Operator) async throws -> Bool {
        guard try await webhooks.delete(id: id) else { return false }
        try await record(.deleteWebhook, id, by: actor)
        return true
    }

    /// A new secret (shown this once); the old one keeps signing too for `keepOld`, so receivers can switch.
    package func rotate(id: Int64, keepOld: TimeInterval, by actor: OperatorActions.Operator) async throws -> WebhookEndpoint? {
        guard (0...7 * 86_400).contains(keepOld) else { throw AppError.validation("keep_old_hours", "The overlap is 0 to 168 hours.") }
        guard let endpoint = try await webhooks.rotate(id: id, to: .generate(random), keepOldUntil: now().addingTimeInterval(keepOld), now: now())
        else { return nil }
        try await record(.rotateWebhookSecret, id, by: actor)
        return endpoint
    }

    /// Asks for a dead letter to be sent again; false when the endpoint has no undelivered dead letter of that id.
    package func retry(endpointID: Int64, deadLetterID: Int64, by actor: OperatorActions.Operator) async throws -> Bool {
        guard try await webhooks.requestRetry(endpointID: endpointID, deadLetterID: deadLetterID, now: now()) else { return false }
        try await record(.retryWebhook, endpointID, detail: "dead letter \(deadLetterID)", by: actor)
        return true
    }

    private func record(_ action: AuditEntry.Action, _ id: Int64, detail: String? = nil, by actor: OperatorActions.Operator) async throws {
        try await audit.record(
            AuditEntry(
                at: now(), operatorID: actor.userID, action: action, target: "webhook:\(id)", detail: detail, address: actor.address, via: actor.via))
    }

    /// What a webhook URL may be (the OpenAPI document says the same): http or https, a host name or address, a port,
    /// a path and a query of plain and percent-encoded characters; no credentials, no fragment.
    static var urlPattern: Regex<(Substring, Substring?, Substring?, Substring?, Substring?, Substring?)> {
        #/^https?://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/([A-Za-z0-9._~/-]|%[0-9A-Fa-f]{2})*)?([?]([A-Za-z0-9._~=&-]|%[0-9A-Fa-f]{2})*)?$/#
    }

    static func checked(url: String) throws -> String {
        guard url.utf8.count <= 2_048, url.wholeMatch(of: urlPattern) != nil, let host = URLComponents(string: url)?.host, !host.isEmpty else {
            throw AppError.validation("url", "An http or https URL: a host, an optional port, path and query; no credentials; up to 2048 bytes.")
        }
        return url
    }

    static func checked(description: String?) throws -> String? {
        try FieldRules.text(description, field: "description", maxLength: 200)
    }

    static func checked(events: [String]) throws -> [String] {
        let known = Set(eventTypes + ["*"])
        guard !events.isEmpty, events.count <= known.count, events.allSatisfy(known.contains) else {
            throw AppError.validation("events", "One or more of: * (all), " + eventTypes.joined(separator: ", ") + ".")
        }
        return Array(Set(events)).sorted()
    }
}
