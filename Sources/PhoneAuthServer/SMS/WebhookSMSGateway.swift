import Crypto
import Foundation
import Logging

/// POSTs `{"to","body"}` to a URL through libcurl, signed with `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>`
/// so the receiver can tell it came from us. Anything but a 2xx in time is a failed send.
struct WebhookSMSGateway: SMSGateway {
    let config: AppConfig.Webhook
    let client: CurlClient

    private struct Payload: Encodable {
        var to: String
        var body: String
    }

    func send(_ message: SMSMessage, logger: Logger) async throws {
        let body = try JSONEncoder().encode(Payload(to: message.to.e164, body: message.body))
        let request = CurlRequest(
            url: config.url,
            headers: ["Content-Type: application/json", "X-Signature: \(Self.signature(of: body, secret: config.secret))"],
            body: Array(body),
            connectTimeout: config.connectTimeout,
            timeout: config.timeout
        )
        let response: CurlResponse
        do {
            response = try await client.perform(request)
        } catch let error as CurlError {
            throw SMSError("webhook transport error: \(error.description)")
        }
        guard (200..<300).contains(response.status) else { throw SMSError("webhook answered HTTP \(response.status)") }
    }

    static func signature(of body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
