import Foundation
import Hummingbird
import PhoneAuthCore

/// `/admin/webhooks`: the endpoints app backends receive events at, their delivery state, secret rotation and dead
/// letters. Every change goes through `WebhookAdmin` (checked, audited); a secret is shown once, when made.
struct WebhookController: Sendable {
    let admin: WebhookAdmin
    let trustedProxies: Set<String>

    struct CreateRequest: Decodable {
        var url: String
        var events: [String]
        var description: String?
        var includePhone: Bool?

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decode(String.self, forKey: .url)
            events = try container.decode([String].self, forKey: .events)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            includePhone = try container.decodeIfPresentNotNull(Bool.self, forKey: .includePhone)
        }

        enum CodingKeys: String, CodingKey {
            case url, events, description
            case includePhone = "include_phone"
        }
    }

    struct UpdateRequest: Decodable {
        var url: String?
        var events: [String]?
        var description: String??
        var includePhone: Bool?
        var enabled: Bool?

        init(from decoder: any Decoder) throws {
            // Left out: unchanged. Only the description may be null (cleared).
            let container = try decoder.container(keyedBy: CodingKeys.self)
            url = try container.decodeIfPresentNotNull(String.self, forKey: .url)
            events = try container.decodeIfPresentNotNull([String].self, forKey: .events)
            if container.contains(.description) { description = .some(try container.decodeIfPresent(String.self, forKey: .description)) }
            includePhone = try container.decodeIfPresentNotNull(Bool.self, forKey: .includePhone)
            enabled = try container.decodeIfPresentNotNull(Bool.self, forKey: .enabled)
        }

        enum CodingKeys: String, CodingKey {
            case url, events, description, enabled
            case includePhone = "include_phone"
        }
    }

    struct RotateRequest: Decodable {
        var keepOldHours: Double?

        init() {}

        init(from decoder: any Decoder) throws {
            keepOldHours = try decoder.container(keyedBy: CodingKeys.self).decodeIfPresentNotNull(Double.self, forKey: .keepOldHours)
        }

        enum CodingKeys: String, CodingKey {
            case keepOldHours = "keep_old_hours"
        }
    }

    /// An endpoint as the API shows it; `secret` only in the answer that made it.
    struct Endpoint: ResponseEncodable {
        struct Delivery: Encodable {
            var cursor: Int64
            @ExplicitNull var failingSince: Date?
            var attempts: Int
            @ExplicitNull var nextAttemptAt: Date?
            @ExplicitNull var lastError: String?

            enum CodingKeys: String, CodingKey {
                case cursor, attempts
                case failingSince = "failing_since"
                case nextAttemptAt = "next_attempt_at"
                case lastError = "last_error"
            }
        }

        var id: Int64
        var url: String
        @ExplicitNull var description: String?
        var events: [String]
        var includePhone: Bool
        var enabled: Bool
        var createdAt: Date
        @ExplicitNull var previousSecretUntil: Date?
        var delivery: Delivery
        var secret: String?

        init(_ endpoint: WebhookEndpoint, showingSecret: Bool = false, now: Date) {
            (id, url, description, events) = (endpoint.id, endpoint.url, endpoint.description, endpoint.events)
            (includePhone, enabled, createdAt) = (endpoint.includePhone, endpoint.enabled, endpoint.createdAt)
            previousSecretUntil = endpoint.previousUntil.flatMap { $0 > now ? $0 : nil }
            delivery = Delivery(
                cursor: endpoint.cursor, failingSince: endpoint.failingSince, attempts: endpoint.attempts, nextAttemptAt: endpoint.nextAttemptAt,
                lastError: endpoint.lastError)
            secret = showingSecret ? endpoint.secret.text : nil
        }

        enum CodingKeys: String, CodingKey {
            case id, url, description, events, enabled, delivery, secret
            case includePhone = "include_phone"
            case createdAt = "created_at"
            case previousSecretUntil = "previous_secret_until"
        }
    }

    struct EndpointList: ResponseEncodable {
        var webhooks: [Endpoint]
        var eventTypes: [String]

        enum CodingKeys: String, CodingKey {
            case webhooks
            case eventTypes = "event_types"
        }
    }

    struct DeadLetter: Encodable {
        var id: Int64
        var eventID: Int64
        var type: String
        var attempts: Int
        @ExplicitNull var lastError: String?
        var failedAt: Date
        @ExplicitNull var retryRequestedAt: Date?
        @ExplicitNull var deliveredAt: Date?

        init(_ letter: WebhookDeadLetter) {
            (id, eventID, type, attempts, lastError) = (letter.id, letter.eventID, letter.type, letter.attempts, letter.lastError)
            (failedAt, retryRequestedAt, deliveredAt) = (letter.failedAt, letter.retryRequestedAt, letter.deliveredAt)
        }

        enum CodingKeys: String, CodingKey {
            case id, type, attempts
            case eventID = "event_id"
            case lastError = "last_error"
            case failedAt = "failed_at"
            case retryRequestedAt = "retry_requested_at"
            case deliveredAt = "delivered_at"
        }
    }

    struct DeadLetterList: ResponseEncodable {
        var deadLetters: [DeadLetter]

        enum CodingKeys: String, CodingKey {
            case deadLetters = "dead_letters"
        }
    }

    func addRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("webhooks", use: list)
        group.post("webhooks", use: create)
        group.get("webhooks/:id", use: show)
        group.patch("webhooks/:id", use: update)
        group.delete("webhooks/:id", use: delete)
        group.post("webhooks/:id/rotate-secret", use: rotate)
        group.get("webhooks/:id/dead-letters", use: deadLetters)
        group.post("webhooks/:id/dead-letters/:letter/retry", use: retry)
    }

    @Sendable func list(_ request: Request, context: AuthenticatedContext) async throws -> EndpointList {
        let now = admin.now()
        return EndpointList(webhooks: try await admin.webhooks.list().map { Endpoint($0, now: now) }, eventTypes: WebhookAdmin.eventTypes)
    }

    @Sendable func create(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<Endpoint> {
        var request = request
        let body = try await request.decodeJSON(as: CreateRequest.self)
        let endpoint = try await admin.create(
            url: body.url, description: body.description, events: body.events, includePhone: body.includePhone ?? false,
            by: .api(request, context, trustedProxies: trustedProxies))
        context.logger.notice("admin added a webhook", metadata: ["admin": "\(context.caller.userID)", "webhook": "\(endpoint.id)"])
        return EditedResponse(status: .created, response: Endpoint(endpoint, showingSecret: true, now: admin.now()))
    }

    @Sendable func show(_ request: Request, context: AuthenticatedContext) async throws -> Endpoint {
        guard let endpoint = try await admin.webhooks.find(id: try id(context)) else { throw AppError.notFound }
        return Endpoint(endpoint, now: admin.now())
    }

    @Sendable func update(_ request: Request, context: AuthenticatedContext) async throws -> Endpoint {
        var request = request
        let body = try await request.decodeJSON(as: UpdateRequest.self)
        let settings = WebhookSettings(
            url: body.url, description: body.description, events: body.events, includePhone: body.includePhone, enabled: body.enabled)
        guard let endpoint = try await admin.update(id: try id(context), settings, by: .api(request, context, trustedProxies: trustedProxies))
        else { throw AppError.notFound }
        return Endpoint(endpoint, now: admin.now())
    }

    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        guard try await admin.delete(id: try id(context), by: .api(request, context, trustedProxies: trustedProxies)) else { throw AppError.notFound }
        return .noContent
    }

    @Sendable func rotate(_ request: Request, context: AuthenticatedContext) async throws -> Endpoint {
        var request = request
        let body = try await request.decodeJSONIfPresent(as: RotateRequest.self) ?? RotateRequest()
        guard
            let endpoint = try await admin.rotate(
                id: try id(context), keepOld: (body.keepOldHours ?? 24) * 3_600, by: .api(request, context, trustedProxies: trustedProxies))
        else { throw AppError.notFound }
        return Endpoint(endpoint, showingSecret: true, now: admin.now())
    }

    @Sendable func deadLetters(_ request: Request, context: AuthenticatedContext) async throws -> DeadLetterList {
        let id = try id(context)
        guard try await admin.webhooks.find(id: id) != nil else { throw AppError.notFound }
        return DeadLetterList(deadLetters: try await admin.webhooks.deadLetters(endpointID: id, limit: 100).map(DeadLetter.init))
    }

    @Sendable func retry(_ request: Request, context: AuthenticatedContext) async throws -> HTTPResponse.Status {
        guard let letter = context.parameters.get("letter", as: Int64.self) else { throw AppError.notFound }
        guard try await admin.retry(endpointID: try id(context), deadLetterID: letter, by: .api(request, context, trustedProxies: trustedProxies))
        else { throw AppError.notFound }
        return .accepted
    }

    private func id(_ context: AuthenticatedContext) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else { throw AppError.notFound }
        return id
    }
}
