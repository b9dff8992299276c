import Foundation
import HTTPTypes
import Hummingbird
import Logging
import PhoneAuthCore
import PhoneAuthDelivery

/// Delivery receipts from the providers, at `/receipts/{whatsapp,telegram,twilio}`: no bearer token, each verified by
/// its provider's signature over the raw body (a bad one is 403 and changes nothing), applied once however often it
/// comes (`DeliveryRepository.apply`), a receipt for an unknown message logged and answered 200 (a provider retries
/// anything else). A network that sends 20 bad signatures in 10 minutes is answered 429 until the oldest is 10
/// minutes old, so a stranger cannot make the server hash floods of forgeries.
struct ReceiptController: Sendable {
    let deliveries: any DeliveryRepository
    let whatsapp: WhatsAppReceipts?
    let telegram: TelegramReceipts?
    let twilio: TwilioReceipts?
    let network: ClientNetwork
    let failures: FailureThrottle
    let metrics: ServerMetrics
    let now: WallClock

    static func throttle() -> FailureThrottle { FailureThrottle(limit: 20, window: 600) }

    struct Answer: ResponseEncodable {
        var receipts: Int
    }

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.get("whatsapp", use: whatsappHandshake)
        group.post("whatsapp", use: whatsappReceipt)
        group.post("telegram", use: telegramReceipt)
        group.post("twilio", use: twilioReceipt)
    }

    /// Meta's subscription check: echo `hub.challenge` when the verify token is ours.
    @Sendable func whatsappHandshake(_ request: Request, context: AppRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let mode = query["hub.mode"], let token = query["hub.verify_token"], let asked = query["hub.challenge"] else {
            throw AppError.invalidRequest("hub.mode, hub.verify_token and hub.challenge are required.")
        }
        guard let whatsapp else { throw AppError.notFound }
        let challenge = whatsapp.handshake(mode: String(mode), token: String(token), challenge: String(asked))
        guard let challenge, challenge.utf8.count <= 256 else { throw AppError.invalidSignature }
        return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    @Sendable func whatsappReceipt(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try Self.require([.hubSignature], of: request)
        guard let whatsapp else { throw AppError.notFound }
        let body = try await guarded(request, context) { body in whatsapp.isSigned(body, signature: request.headers[.hubSignature]) }
        guard let receipts = whatsapp.receipts(in: body, receivedAt: now()) else {
            throw AppError.invalidRequest("The body is not a WhatsApp notification.")
        }
        return try await apply(receipts, logger: context.logger)
    }

    @Sendable func telegramReceipt(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try Self.require([.requestTimestamp, .requestSignature], of: request)
        guard let telegram else { throw AppError.notFound }
        let instant = now()
        let body = try await guarded(request, context) { body in
            telegram.isSigned(body, timestamp: request.headers[.requestTimestamp], signature: request.headers[.requestSignature], now: instant)
        }
        guard let receipts = telegram.receipts(in: body, receivedAt: instant) else {
            throw AppError.invalidRequest("The body is not a RequestStatus.")
        }
        return try await apply(receipts, logger: context.logger)
    }

    @Sendable func twilioReceipt(_ request: Request, context: AppRequestContext) async throws -> Answer {
        try Self.require([.twilioSignature], of: request)
        guard let twilio else { throw AppError.notFound }
        var fields: [(String, String)] = []
        _ = try await guarded(request, context) { body in
            fields = ConsoleForm.pairs(String(decoding: body, as: UTF8.self))
            return twilio.isSigned(fields, signature: request.headers[.twilioSignature])
        }
        guard let receipts = twilio.receipts(in: fields, receivedAt: now()) else {
            throw AppError.invalidRequest("The body is neither a message's nor a call's status.")
        }
        return try await apply(receipts, logger: context.logger)
    }

    /// An unsigned receipt is refused as such, whether or not this server takes that provider's.
    private static func require(_ headers: [HTTPField.Name], of request: Request) throws {
        guard headers.allSatisfy({ request.headers[$0] != nil }) else { throw AppError.invalidSignature }
    }

    /// The raw body, once its signature checks out; throttled per network after too many that did not.
    private func guarded(_ request: Request, _ context: AppRequestContext, signed: ([UInt8]) -> Bool) async throws -> [UInt8] {
        let caller = network.key(request, peer: context.peerAddress)
        if let wait = failures.retryAfter(caller, now: now()) { throw AppError.networkRateLimited.retrying(after: wait) }
        var request = request
        let buffer: ByteBuffer
        do { buffer = try await request.collectBody(upTo: JSONCoding.maxBodyBytes) } catch { throw AppError.payloadTooLarge }
        let body = Array(buffer.readableBytesView)
        guard signed(body) else {
            failures.recordFailure(caller, now: now())
            context.logger.warning("receipt refused: bad signature", metadata: ["path": "\(request.uri.path)"])
            throw AppError.invalidSignature
        }
        return body
    }

    private func apply(_ receipts: [Receipt], logger: Logger) async throws -> Answer {
        for receipt in receipts {
            switch try await deliveries.apply(receipt) {
            case .unknown:
                logger.notice(
                    "receipt for an unknown message ignored", metadata: ["provider": "\(receipt.provider)", "message_id": "\(receipt.messageID)"])
            case .unchanged:
                break
            case .advanced(let record, _):
                metrics.delivery(record.state, channel: record.channel.rawValue)
                if record.state.isFailure {
                    logger.info(
                        "message not delivered",
                        metadata: ["channel": "\(record.channel.rawValue)", "provider": "\(record.provider)", "error": "\(record.errorCode ?? "-")"])
                }
            }
        }
        return Answer(receipts: receipts.count)
    }
}

extension HTTPField.Name {
    static let hubSignature = HTTPField.Name("X-Hub-Signature-256")!
    static let requestTimestamp = HTTPField.Name("X-Request-Timestamp")!
    static let requestSignature = HTTPField.Name("X-Request-Signature")!
    static let twilioSignature = HTTPField.Name("X-Twilio-Signature")!
}
