import Foundation
import PhoneAuthCore

/// Telegram's Gateway API (`gatewayapi.telegram.org`, bearer token, JSON): `checkSendAbility` first, so a number with
/// no Telegram account is known at once (and another channel tried) before anything is charged, then
/// `sendVerificationMessage` with our own code and its lifetime, free under the check's `request_id`. The
/// `request_id` is what delivery reports name.
package struct TelegramGatewayProvider: MessageProvider {
    package struct Config: Sendable, Equatable {
        package var token: String
        package var baseURL: String
        /// Where Telegram posts delivery reports, if anywhere (an https URL of this server's receipt endpoint).
        package var callbackURL: String?
        /// A verified Telegram channel of the same account to send from, if any.
        package var senderUsername: String?

        package init(token: String, baseURL: String = "https://gatewayapi.telegram.org", callbackURL: String? = nil, senderUsername: String? = nil) {
            (self.token, self.baseURL, self.callbackURL, self.senderUsername) = (token, baseURL, callbackURL, senderUsername)
        }
    }

    let config: Config
    let client: CurlClient
    package let name = "telegram-gateway"
    package let channel = DeliveryChannel.telegram

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    struct Check: Encodable {
        var phoneNumber: String
        enum CodingKeys: String, CodingKey { case phoneNumber = "phone_number" }
    }

    struct Send: Encodable {
        var phoneNumber: String
        var code: String
        var ttl: Int
        var requestID: String?
        var callbackURL: String?
        var senderUsername: String?

        enum CodingKeys: String, CodingKey {
            case code, ttl
            case phoneNumber = "phone_number"
            case requestID = "request_id"
            case callbackURL = "callback_url"
            case senderUsername = "sender_username"
        }
    }

    private struct Answer: Decodable {
        struct Status: Decodable {
            var requestID: String
            enum CodingKeys: String, CodingKey { case requestID = "request_id" }
        }
        var ok: Bool
        var result: Status?
        var error: String?
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        let checked = try await call("checkSendAbility", Check(phoneNumber: message.to.e164), limits: limits)
        // Telegram keeps an unread message for 60 s to a day; a code lives 30 s to an hour.
        let ttl = min(86_400, max(60, Int(message.lifetime.components.seconds)))
        let send = Send(
            phoneNumber: message.to.e164, code: message.code, ttl: ttl, requestID: checked, callbackURL: config.callbackURL,
            senderUsername: config.senderUsername)
        return try await call("sendVerificationMessage", send, limits: limits)
    }

    /// One method call; the `request_id` of its `RequestStatus`, or the failure, classified by Telegram's error string.
    private func call(_ method: String, _ parameters: some Encodable, limits: AttemptLimits) async throws(DeliveryFailure) -> String {
        let body = (try? JSONCoding.encoder.encode(parameters)) ?? Data()
        let request = CurlRequest(
            url: "\(config.baseURL)/\(method)", headers: ["Content-Type: application/json", "Authorization: Bearer \(config.token)"],
            body: Array(body), connectTimeout: limits.connectTimeout, timeout: limits.timeout)
        let response: CurlResponse
        do { response = try await client.perform(request) } catch { throw .transport(error, provider: name) }
        let answer = try? JSONCoding.decoder.decode(Answer.self, from: Data(response.body))
        if let answer, answer.ok, let status = answer.result { return status.requestID }
        if response.status == 429 || response.status >= 500 {
            throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
        }
        guard let error = answer?.error else { throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name) }
        switch error {
        case "PHONE_NUMBER_INVALID": throw .invalidNumber("telegram \(method): \(error)")
        case "ACCESS_TOKEN_INVALID", "ACCESS_TOKEN_REQUIRED", "BALANCE_NOT_ENOUGH", "SENDER_USERNAME_INVALID", "CALLBACK_URL_INVALID",
            "CODE_INVALID", "TTL_INVALID":
            throw .rejected("telegram \(method): \(error)")
        case _ where error.hasPrefix("FLOOD_WAIT"): throw .transient("telegram \(method): \(error)", retryAfter: response.retryAfter)
        // Anything else checkSendAbility says means Telegram cannot reach the number (no account, or none taking codes).
        default:
            throw method == "checkSendAbility" ? .unreachable("telegram \(method): \(error)") : .rejected("telegram \(method): \(error)")
        }
    }
}
