import ArgumentParser
import Foundation
import PhoneAuthCore

/// `PhoneAuthServer admin webhooks …`: the endpoints app backends receive events at, straight on the database (a
/// running fleet picks changes up on its next pass). Audited as the CLI's. Exit codes as every admin command's, and 1
/// for no such endpoint or dead letter.
struct WebhookCommands: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhooks", abstract: "Webhook endpoints: add, list, change, remove, rotate secrets, retry dead letters.",
        subcommands: [List.self, Add.self, Update.self, Remove.self, RotateSecret.self, DeadLetters.self, Retry.self])

    static func admin(_ storage: Storage) -> WebhookAdmin {
        WebhookAdmin(webhooks: storage.webhooks, audit: storage.audit, random: SystemRandomSource(), now: { Date() })
    }

    /// One line per endpoint: id, on or off, url, events, and how delivery stands.
    static func line(_ endpoint: WebhookEndpoint) -> String {
        let fields = [String(endpoint.id), endpoint.enabled ? "on" : "off", endpoint.url, endpoint.events.joined(separator: ",")]
        var text = fields.joined(separator: "\t") + "\tcursor \(endpoint.cursor)"
        if let since = endpoint.failingSince {
            text += "\tfailing since \(since) (\(endpoint.attempts) attempts: \(endpoint.lastError ?? "-"))"
        }
        return text
    }

    static func notFound(_ what: String) -> ExitCode {
        FileHandle.standardError.write(Data("phoneauth: no \(what)\n".utf8))
        return ExitCode(1)
    }

    static func events(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the endpoints and how delivery to each stands.")
        @OptionGroup var options: AdminCommand.DatabaseOption

        func run() async throws {
            let endpoints = try await options.withStorage { storage in try await storage.webhooks.list() }
            for endpoint in endpoints { print(WebhookCommands.line(endpoint)) }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an endpoint; prints its id and secret (shown this once).")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "Where to POST events (http or https).") var url: String
        @Option(help: "Event types, comma-separated, or * for all.") var events: String
        @Option(help: "What it is for.") var description: String?
        @Flag(help: "Payloads carry the user's phone number.") var includePhone = false

        func run() async throws {
            let endpoint = try await AdminCommand.validated {
                try await options.withStorage { [url, events, description, includePhone] storage in
                    try await WebhookCommands.admin(storage).create(
                        url: url, description: description, events: WebhookCommands.events(events), includePhone: includePhone, by: .cli)
                }
            }
            print("webhook \(endpoint.id) added; its secret (shown once): \(endpoint.secret.text)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an endpoint's address or events, or turn it off and on.")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "The endpoint's id.") var id: Int64
        @Option(help: "A new address.") var url: String?
        @Option(help: "New event types, comma-separated, or *.") var events: String?
        @Option(help: "on or off.") var state: String?

        func validate() throws {
            guard state == nil || ["on", "off"].contains(state!) else { throw ValidationError("--state is on or off") }
        }

        func run() async throws {
            let settings = WebhookSettings(url: url, events: events.map(WebhookCommands.events), enabled: state.map { $0 == "on" })
            let endpoint = try await AdminCommand.validated {
                try await options.withStorage { [id] storage in try await WebhookCommands.admin(storage).update(id: id, settings, by: .cli) }
            }
            guard let endpoint else { throw WebhookCommands.notFound("webhook \(id)") }
            print(WebhookCommands.line(endpoint))
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove an endpoint and its dead letters.")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "The endpoint's id.") var id: Int64

        func run() async throws {
            guard try await options.withStorage({ [id] storage in try await WebhookCommands.admin(storage).delete(id: id, by: .cli) }) else {
                throw WebhookCommands.notFound("webhook \(id)")
            }
            print("webhook \(id) removed")
        }
    }

    struct RotateSecret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate-secret", abstract: "A new secret (printed once); the old one signs too for --keep-old-hours.")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "The endpoint's id.") var id: Int64
        @Option(help: "Hours the old secret keeps signing (0-168).") var keepOldHours: Double = 24

        func run() async throws {
            let endpoint = try await AdminCommand.validated {
                try await options.withStorage { [id, keepOldHours] storage in
                    try await WebhookCommands.admin(storage).rotate(id: id, keepOld: keepOldHours * 3_600, by: .cli)
                }
            }
            guard let endpoint else { throw WebhookCommands.notFound("webhook \(id)") }
            print("webhook \(id): new secret (shown once): \(endpoint.secret.text)")
        }
    }

    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "An endpoint's dead letters, newest first.")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "The endpoint's id.") var id: Int64

        func run() async throws {
            let letters = try await options.withStorage { [id] storage in try await storage.webhooks.deadLetters(endpointID: id, limit: 100) }
            for letter in letters {
                let state = letter.deliveredAt.map { "delivered \($0)" } ?? (letter.retryRequestedAt == nil ? "dead" : "retry asked")
                print("\(letter.id)\tevent \(letter.eventID)\t\(letter.type)\t\(state)\t\(letter.lastError ?? "-")")
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Send a dead letter again (a running server does, within a second or so).")
        @OptionGroup var options: AdminCommand.DatabaseOption
        @Option(help: "The endpoint's id.") var id: Int64
        @Option(help: "The dead letter's id.") var deadLetter: Int64

        func run() async throws {
            let asked = try await options.withStorage { [id, deadLetter] storage in
                try await WebhookCommands.admin(storage).retry(endpointID: id, deadLetterID: deadLetter, by: .cli)
            }
            guard asked else { throw WebhookCommands.notFound("undelivered dead letter \(deadLetter) of webhook \(id)") }
            print("dead letter \(deadLetter) of webhook \(id) queued")
        }
    }
}
