import Crypto
import Foundation
import Hummingbird
import PhoneAuthCore

/// A loopback WhatsApp Business Cloud API: `POST /{version}/{phone-number-id}/messages` with the bearer token, and a body
/// that must be exactly an authentication template message (messaging_product, recipient_type, to, type, template
/// with its name, language and two components: the body's one text parameter and the URL button's at index "0", both
/// the same code of 4 to 8 digits). Anything else is 400 with Graph's error shape (code 100). `+996700000001` is not
/// on WhatsApp (131030); any other number gets a `wamid.` id.
final class WhatsAppFake: Sendable {
    static let phoneNumberID = "106540352242922"
    static let accessToken = "EAAG-whatsapp-test-token"
    static let template = "phoneauth_code"
    static let notOnWhatsApp = "+996700000001"
    static let appSecret = "whatsapp-app-secret-for-tests"
    static let verifyToken = "whatsapp-verify-token"

    /// A status webhook as Meta posts it, and its `X-Hub-Signature-256` made with `secret`.
    static func statusNotification(id: String, status: String, errorCode: Int? = nil, secret: String = appSecret) -> (body: String, signature: String)
    {
        var entry: [String: Any] = [
            "id": id, "status": status, "timestamp": String(Int(Date().timeIntervalSince1970)), "recipient_id": "996555100001",
        ]
        if let errorCode { entry["errors"] = [["code": errorCode, "title": "Message undeliverable"]] }
        let notification: [String: Any] = [
            "object": "whatsapp_business_account",
            "entry": [
                ["id": "102290129340398", "changes": [["field": "messages", "value": ["messaging_product": "whatsapp", "statuses": [entry]]]]]
            ],
        ]
        let body = String(decoding: try! JSONSerialization.data(withJSONObject: notification), as: UTF8.self)
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return (body, "sha256=" + mac.map { String(format: "%02x", $0) }.joined())
    }

    struct Sent: Sendable {
        var to: String
        var code: String
        var language: String
        var id: String
    }

    private let sent = Locked<[Sent]>([])
    var messages: [Sent] { sent.withLock { $0 } }

    func run<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post(":version/:phone/messages") { request, context -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.accessToken)" else {
                return Self.error(.unauthorized, code: 190, message: "Invalid OAuth access token.")
            }
            guard context.parameters.get("phone") == Self.phoneNumberID, context.parameters.get("version") == "v21.0" else {
                return Self.error(.badRequest, code: 100, message: "Unsupported post request.")
            }
            guard request.headers[.contentType]?.hasPrefix("application/json") == true, let object = try await FakeProvider.object(request),
                let message = Self.templateMessage(object)
            else {
                return Self.error(.badRequest, code: 100, message: "Invalid parameter")
            }
            if message.to == Self.notOnWhatsApp {
                return Self.error(.badRequest, code: 131030, message: "Recipient phone number not in allowed list")
            }
            let id = "wamid." + UUID().uuidString.replacingOccurrences(of: "-", with: "")
            self.sent.withLock { $0.append(Sent(to: message.to, code: message.code, language: message.language, id: id)) }
            return FakeProvider.json(
                .ok,
                [
                    "messaging_product": "whatsapp", "contacts": [["input": message.to, "wa_id": String(message.to.dropFirst())]],
                    "messages": [["id": id]],
                ])
        }
        return try await FakeProvider.serve(router, label: "whatsapp-fake", body)
    }

    /// The fields of an authentication template message, when the body is exactly one.
    private static func templateMessage(_ object: [String: Any]) -> (to: String, code: String, language: String)? {
        guard Set(object.keys) == ["messaging_product", "recipient_type", "to", "type", "template"],
            object["messaging_product"] as? String == "whatsapp", object["recipient_type"] as? String == "individual",
            object["type"] as? String == "template", let to = object["to"] as? String, to.wholeMatch(of: /\+[1-9][0-9]{6,14}/) != nil,
            let template = object["template"] as? [String: Any], Set(template.keys) == ["name", "language", "components"],
            template["name"] as? String == Self.template,
            let language = (template["language"] as? [String: Any])?["code"] as? String,
            let components = template["components"] as? [[String: Any]], components.count == 2
        else { return nil }
        func parameter(of component: [String: Any]) -> String? {
            guard let parameters = component["parameters"] as? [[String: Any]], parameters.count == 1,
                parameters[0]["type"] as? String == "text", let text = parameters[0]["text"] as? String,
                text.wholeMatch(of: /[0-9]{4,8}/) != nil
            else { return nil }
            return text
        }
        let body = components[0]
        let button = components[1]
        guard Set(body.keys) == ["type", "parameters"], body["type"] as? String == "body", let code = parameter(of: body),
            Set(button.keys) == ["type", "sub_type", "index", "parameters"], button["type"] as? String == "button",
            button["sub_type"] as? String == "url", button["index"] as? String == "0", parameter(of: button) == code
        else { return nil }
        return (to, code, language)
    }

    private static func error(_ status: HTTPResponse.Status, code: Int, message: String) -> Response {
        FakeProvider.json(status, ["error": ["message": message, "type": "OAuthException", "code": code, "fbtrace_id": "AbCdEf"]])
    }
}
