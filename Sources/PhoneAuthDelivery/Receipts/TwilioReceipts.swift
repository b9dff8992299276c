import Crypto
import Foundation
import PhoneAuthCore

/// Twilio's status callbacks for messages and calls: form fields, and `X-Twilio-Signature`, the base64 HMAC-SHA1
/// (keyed with the auth token) of the full URL Twilio called followed by every POST field's name and value, sorted
/// by name. The URL is the public one the server gave Twilio (behind a proxy the server cannot see it).
package struct TwilioReceipts: Sendable {
    private let key: SymmetricKey
    package let url: String

    package init(authToken: String, url: String) {
        key = SymmetricKey(data: Data(authToken.utf8))
        self.url = url
    }

    package func isSigned(_ fields: [(String, String)], signature: String?) -> Bool {
        guard let signature, let mac = Data(base64Encoded: signature) else { return false }
        var signed = url
        for (name, value) in fields.sorted(by: { $0.0 < $1.0 }) { signed += name + value }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(mac, authenticating: Data(signed.utf8), using: key)
    }

    /// A message's (`MessageSid`, `MessageStatus`, `ErrorCode`) or a call's (`CallSid`, `CallStatus`) receipt; none for
    /// a status in between (queued, ringing); nil when the fields are neither.
    package func receipts(in fields: [(String, String)], receivedAt: Date) -> [Receipt]? {
        let form = Dictionary(fields, uniquingKeysWith: { first, _ in first })
        if let sid = form["MessageSid"], let status = form["MessageStatus"] {
            let state: DeliveryState? =
                switch status {
                case "sent": .sent
                case "delivered": .delivered
                case "read": .read
                case "undelivered": .undelivered
                case "failed": .failed
                default: nil
                }
            guard let state else { return [] }
            let error = form["ErrorCode"].flatMap { $0.isEmpty ? nil : $0 }
            return [Receipt(provider: "twilio", messageID: sid, state: state, errorCode: state.isFailure ? error : nil, at: receivedAt)]
        }
        if let sid = form["CallSid"], let status = form["CallStatus"] {
            let state: DeliveryState? =
                switch status {
                // Answered: the code is being said.
                case "in-progress", "completed": .delivered
                case "busy", "no-answer", "canceled", "failed": .failed
                default: nil
                }
            guard let state else { return [] }
            return [Receipt(provider: "twilio-voice", messageID: sid, state: state, errorCode: state.isFailure ? status : nil, at: receivedAt)]
        }
        return nil
    }
}
