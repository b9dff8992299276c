import Foundation
import PhoneAuthCore

/// Twilio's Messages API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`, basic auth, form fields.
package struct TwilioSMSProvider: MessageProvider {
    package struct Config: Sendable, Equatable {
        package var accountSID: String
        package var authToken: String
        /// Exactly one of `from` and `messagingServiceSID`.
        package var from: String?
        package var messagingServiceSID: String?
        package var baseURL: String
        /// Where Twilio posts each message's status (`sent`, `delivered`, `undelivered`, `failed`), if anywhere.
        package var statusCallback: String?

        package init(
            accountSID: String, authToken: String, from: String? = nil, messagingServiceSID: String? = nil,
            baseURL: String = "https://api.twilio.com", statusCallback: String? = nil
        ) {
            self.accountSID = accountSID
            self.authToken = authToken
            self.from = from
            self.messagingServiceSID = messagingServiceSID
            self.baseURL = baseURL
            self.statusCallback = statusCallback
        }

        package var account: TwilioAccount { TwilioAccount(accountSID: accountSID, authToken: authToken, baseURL: baseURL) }
    }

    let config: Config
    let client: CurlClient
    package let name = "twilio"
    package let channel = DeliveryChannel.sms

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        var fields = [("To", message.to.e164)]
        switch message.sender {
        case .number(let from)?, .alphanumeric(let from)?: fields.append(("From", from))
        case .messagingService(let service)?: fields.append(("MessagingServiceSid", service))
        case nil:
            if let service = config.messagingServiceSID {
                fields.append(("MessagingServiceSid", service))
            } else {
                fields.append(("From", config.from ?? ""))
            }
        }
        fields.append(("Body", message.body))
        if let callback = config.statusCallback { fields.append(("StatusCallback", callback)) }
        let response: CurlResponse
        do { response = try await client.perform(config.account.request("Messages.json", fields: fields, limits: limits)) } catch {
            throw .transport(error, provider: name)
        }
        return try config.account.sid(of: response, prefix: "SM", provider: name)
    }
}
