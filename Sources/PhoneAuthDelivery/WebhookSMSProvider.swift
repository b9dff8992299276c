import Crypto
import Foundation
import PhoneAuthCore

/// POSTs `{"channel","to","body"}` to a URL, signed with `X-Signature: sha256=<hex HMAC-SHA256(secret, body)>` so the receiver
/// can tell it came from us. A 2xx is a sent message.
package struct WebhookSMSProvider: MessageProvider {
    let url: String
    let secret: String
    let client: CurlClient
    package let name = "webhook"
    package let channel = DeliveryChannel.sms

    package init(url: String, secret: String, client: CurlClient) {
        self.url = url
        self.secret = secret
        self.client = client
    }

    private struct Payload: Encodable {
        var channel: String
        var to: String
        var body: String
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        let body = (try? JSONCoding.encoder.encode(Payload(channel: message.channel.rawValue, to: message.to.e164, body: message.body))) ?? Data()
        let request = CurlRequest(
            url: url, headers: ["Content-Type: application/json", "X-Signature: \(Self.signature(of: body, secret: secret))"],
            body: Array(body), connectTimeout: limits.connectTimeout, timeout: limits.timeout
        )
        let response: CurlResponse
        do { response = try await client.perform(request) } catch { throw .transport(error, provider: name) }
        guard (200..<300).contains(response.status) else {
            throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
        }
        return response.header("x-message-id")
    }

    static func signature(of body: Data, secret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + mac.hex
    }
}
