import Foundation
import PhoneAuthCore

/// The WhatsApp Business Cloud API: `POST {base}/{phone-number-id}/messages` with a bearer token, sending an approved
/// authentication template whose body parameter and copy-code button both carry the code. The answer's
/// `messages[0].id` (`wamid.…`) is what status webhooks name later.
package struct WhatsAppCloudProvider: MessageProvider {
    package struct Config: Sendable, Equatable {
        /// The business phone number's id (not the number itself).
        package var phoneNumberID: String
        /// A system user's access token with `whatsapp_business_messaging`.
        package var accessToken: String
        /// The authentication template's name, approved in every language below.
        package var template: String
        /// Graph API root with its version.
        package var baseURL: String
        /// The template language each message language is sent in. WhatsApp has no Kyrgyz templates: Russian stands in.
        package var languages: [MessageLanguage: String]

        package init(
            phoneNumberID: String, accessToken: String, template: String, baseURL: String = "https://graph.facebook.com/v21.0",
            languages: [MessageLanguage: String] = [.english: "en", .russian: "ru", .kyrgyz: "ru"]
        ) {
            (self.phoneNumberID, self.accessToken, self.template, self.baseURL) = (phoneNumberID, accessToken, template, baseURL)
            self.languages = languages
        }
    }

    let config: Config
    let client: CurlClient
    package let name = "whatsapp-cloud"
    package let channel = DeliveryChannel.whatsapp

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    struct Payload: Encodable {
        struct Template: Encodable {
            struct Language: Encodable { var code: String }
            struct Component: Encodable {
                var type: String
                var subType: String?
                var index: String?
                var parameters: [Parameter]

                enum CodingKeys: String, CodingKey {
                    case type, index, parameters
                    case subType = "sub_type"
                }
            }
            struct Parameter: Encodable {
                var type = "text"
                var text: String
            }
            var name: String
            var language: Language
            var components: [Component]
        }
        var messagingProduct = "whatsapp"
        var recipientType = "individual"
        var to: String
        var type = "template"
        var template: Template

        enum CodingKeys: String, CodingKey {
            case to, type, template
            case messagingProduct = "messaging_product"
            case recipientType = "recipient_type"
        }
    }

    private struct Answer: Decodable {
        struct Message: Decodable { var id: String }
        struct Failure: Decodable { var code: Int? }
        var messages: [Message]?
        var error: Failure?
    }

    func payload(_ message: CodeMessage) -> Payload {
        let code = [Payload.Template.Parameter(text: message.code)]
        return Payload(
            to: message.to.e164,
            template: .init(
                name: config.template, language: .init(code: config.languages[message.language] ?? "en"),
                components: [
                    .init(type: "body", parameters: code),
                    .init(type: "button", subType: "url", index: "0", parameters: code),
                ]))
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        let body = (try? JSONCoding.encoder.encode(payload(message))) ?? Data()
        let request = CurlRequest(
            url: "\(config.baseURL)/\(FormEncoding.escape(config.phoneNumberID))/messages",
            headers: ["Content-Type: application/json", "Authorization: Bearer \(config.accessToken)"], body: Array(body),
            connectTimeout: limits.connectTimeout, timeout: limits.timeout)
        let response: CurlResponse
        do { response = try await client.perform(request) } catch { throw .transport(error, provider: name) }
        let answer = try? JSONCoding.decoder.decode(Answer.self, from: Data(response.body))
        if (200..<300).contains(response.status) {
            guard let id = answer?.messages?.first?.id else { throw .rejected("whatsapp answered \(response.status) without a message id") }
            return id
        }
        // Graph API error codes (never its messages: they may quote the number).
        switch answer?.error?.code {
        case 190, 10, 200, 3: throw .rejected("whatsapp error \(answer!.error!.code!) (token or permission)")
        case 131030, 131026: throw .unreachable("whatsapp error \(answer!.error!.code!) (not a WhatsApp number)")
        case 4, 80007, 130429, 131048, 131056: throw .transient("whatsapp error \(answer!.error!.code!) (throttled)", retryAfter: response.retryAfter)
        case 132000, 132001, 132012: throw .rejected("whatsapp error \(answer!.error!.code!) (template)")
        case let code?:
            if response.status == 429 || response.status >= 500 {
                throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
            }
            throw .rejected("whatsapp error \(code) (HTTP \(response.status))")
        case nil: throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
        }
    }
}
