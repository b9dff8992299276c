import Foundation
import PhoneAuthCore

/// Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, basic auth, form fields.
package struct TwilioSMSProvider: SMSProvider {
    package struct Config: Sendable, Equatable {
        package var accountSID: String
        package var authToken: String
        /// Exactly one of `from` and `messagingServiceSID`.
        package var from: String?
        package var messagingServiceSID: String?
        package var baseURL: String

        package init(
            accountSID: String, authToken: String, from: String? = nil, messagingServiceSID: String? = nil,
            baseURL: String = "https://api.twilio.com"
        ) {
            self.accountSID = accountSID
            self.authToken = authToken
            self.from = from
            self.messagingServiceSID = messagingServiceSID
            self.baseURL = baseURL
        }
    }

    let config: Config
    let client: CurlClient
    package let name = "twilio"

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    /// The fields read from a message (`sid`) or an error (`code`); Twilio's `status` is a string in one, a number in the other.
    private struct Answer: Decodable {
        var sid: String?
        var code: Int?
    }

    package func send(_ message: SMSMessage, limits: AttemptLimits) async throws(SMSFailure) -> String {
        var fields = [("To", message.to.e164)]
        if let service = config.messagingServiceSID {
            fields.append(("MessagingServiceSid", service))
        } else {
            fields.append(("From", config.from ?? ""))
        }
        fields.append(("Body", message.body))
        let request = CurlRequest(
            url: "\(config.baseURL)/2010-04-01/Accounts/\(FormEncoding.escape(config.accountSID))/Messages.json",
            headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
            body: Array(FormEncoding.encode(fields).utf8), connectTimeout: limits.connectTimeout, timeout: limits.timeout,
            userPassword: "\(config.accountSID):\(config.authToken)"
        )
        let response: CurlResponse
        do { response = try await client.perform(request) } catch { throw .transport(error, provider: name) }
        let answer = try? JSONDecoder().decode(Answer.self, from: Data(response.body))
        if (200..<300).contains(response.status) {
            guard let sid = answer?.sid, sid.hasPrefix("SM") else { throw .rejected("twilio answered \(response.status) without a message sid") }
            return sid
        }
        // Only Twilio's numeric code is kept: its messages quote the phone number.
        switch answer?.code {
        case 21211: throw .invalidNumber("twilio error 21211 (invalid To)")
        case 21408, 21612: throw .regionRefused("twilio error \(answer!.code!) (region not permitted)")
        case 20003: throw .rejected("twilio error 20003 (authentication)")
        case 20429: throw .transient("twilio error 20429 (throttled)", retryAfter: response.retryAfter)
        case let code?:
            if response.status == 429 || response.status >= 500 {
                throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
            }
            throw .rejected("twilio error \(code) (HTTP \(response.status))")
        case nil: throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
        }
    }
}
