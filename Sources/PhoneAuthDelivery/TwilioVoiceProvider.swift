import Foundation
import PhoneAuthCore

/// Twilio's Calls API: `POST {base}/2010-04-01/Accounts/{AccountSid}/Calls.json` with the TwiML inline, so a call
/// needs no URL of ours to fetch: it says the code digit by digit, twice, in the user's language.
package struct TwilioVoiceProvider: MessageProvider {
    package struct Config: Sendable, Equatable {
        package var account: TwilioAccount
        /// The Twilio number calls come from.
        package var from: String
        /// Where Twilio posts the call's progress (`initiated`, `ringing`, `answered`, `completed`), if anywhere.
        package var statusCallback: String?

        package init(account: TwilioAccount, from: String, statusCallback: String? = nil) {
            (self.account, self.from, self.statusCallback) = (account, from, statusCallback)
        }
    }

    let config: Config
    let client: CurlClient
    package let name = "twilio-voice"
    package let channel = DeliveryChannel.voice

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        var fields = [("To", message.to.e164), ("From", config.from), ("Twiml", Self.twiml(message))]
        if let callback = config.statusCallback {
            fields.append(("StatusCallback", callback))
            fields.append(("StatusCallbackMethod", "POST"))
            fields += ["initiated", "ringing", "answered", "completed"].map { ("StatusCallbackEvent", $0) }
        }
        let response: CurlResponse
        do { response = try await client.perform(config.account.request("Calls.json", fields: fields, limits: limits)) } catch {
            throw .transport(error, provider: name)
        }
        return try config.account.sid(of: response, prefix: "CA", provider: name)
    }

    /// `<Response><Say language="…">…</Say></Response>`, the sentence escaped for XML (the app name is the operator's).
    static func twiml(_ message: CodeMessage) -> String {
        let language = escape(message.voice ?? "en-US")
        return #"<?xml version="1.0" encoding="UTF-8"?><Response><Pause length="1"/><Say language=""# + language + #"">"#
            + escape(message.body) + "</Say></Response>"
    }

    private static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }
}
