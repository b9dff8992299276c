import Foundation
import PhoneAuthCore

/// The webhook endpoints, how delivery to each stands, and the events each never took (dead letters), with a form to
/// send one again.
struct WebhooksPage: ConsolePage {
    static let template = ConsoleRenderer.Template.webhooks

    struct Letter: Sendable {
        var id: Int64
        var event: Int64
        var type: String
        var failed: String
        var error: String
        var state: String
        /// Neither delivered nor already asked for again.
        var retryable: Bool
        /// Where its "Send again" form posts.
        var retryPath: String
    }

    struct Endpoint: Sendable {
        var id: Int64
        var url: String
        var description: String
        var events: String
        var enabled: Bool
        var standing: String
        var letters: [Letter]
    }

    var chrome: PageChrome
    var endpoints: [Endpoint]

    init(chrome: PageChrome, endpoints: [(WebhookEndpoint, [WebhookDeadLetter])]) {
        self.chrome = chrome
        self.endpoints = endpoints.map { endpoint, letters in
            let standing =
                endpoint.failingSince.map { since in
                    "failing since \(ConsoleFormat.instant(since)) (\(endpoint.attempts) attempts; \(endpoint.lastError ?? "no answer"))"
                } ?? "up to date through event \(endpoint.cursor)"
            return Endpoint(
                id: endpoint.id, url: endpoint.url, description: endpoint.description ?? "", events: endpoint.events.joined(separator: ", "),
                enabled: endpoint.enabled, standing: endpoint.enabled ? standing : "off",
                letters: letters.map { letter in
                    let state =
                        letter.deliveredAt.map { "sent again \(ConsoleFormat.instant($0))" }
                        ?? (letter.retryRequestedAt == nil ? "not delivered" : "being sent again")
                    return Letter(
                        id: letter.id, event: letter.eventID, type: letter.type, failed: ConsoleFormat.instant(letter.failedAt),
                        error: letter.lastError ?? "", state: state, retryable: letter.deliveredAt == nil && letter.retryRequestedAt == nil,
                        retryPath: "/console/webhooks/\(endpoint.id)/dead-letters/\(letter.id)/retry")
                })
        }
    }
}
