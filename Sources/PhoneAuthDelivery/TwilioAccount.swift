import Foundation
import PhoneAuthCore

/// A Twilio account as both its Messages and Calls APIs take it: basic auth with the Account SID and auth token,
/// form-encoded bodies, JSON answers whose errors carry Twilio's numeric `code`.
package struct TwilioAccount: Sendable, Equatable {
    package var accountSID: String
    package var authToken: String
    package var baseURL: String

    package init(accountSID: String, authToken: String, baseURL: String = "https://api.twilio.com") {
        (self.accountSID, self.authToken, self.baseURL) = (accountSID, authToken, baseURL)
    }

    /// A POST of `fields` to `{base}/2010-04-01/Accounts/{sid}/{resource}`.
    func request(_ resource: String, fields: [(String, String)], limits: AttemptLimits) -> CurlRequest {
        CurlRequest(
            url: "\(baseURL)/2010-04-01/Accounts/\(FormEncoding.escape(accountSID))/\(resource)",
            headers: ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"],
            body: Array(FormEncoding.encode(fields).utf8), connectTimeout: limits.connectTimeout, timeout: limits.timeout,
            userPassword: "\(accountSID):\(authToken)")
    }

    /// The fields read from a resource (`sid`) or an error (`code`); Twilio's `status` is a string in one, a number in the other.
    private struct Answer: Decodable {
        var sid: String?
        var code: Int?
    }

    /// The new resource's sid (it must start with `prefix`: `SM` a message, `CA` a call), or the failure, classified.
    /// Only Twilio's numeric code is kept: its messages quote the phone number.
    func sid(of response: CurlResponse, prefix: String, provider: String) throws(DeliveryFailure) -> String {
        let answer = try? JSONCoding.decoder.decode(Answer.self, from: Data(response.body))
        if (200..<300).contains(response.status) {
            guard let sid = answer?.sid, sid.hasPrefix(prefix) else {
                throw .rejected("\(provider) answered \(response.status) without a \(prefix) sid")
            }
            return sid
        }
        switch answer?.code {
        case 21211, 13223, 13224: throw .invalidNumber("\(provider) error \(answer!.code!) (invalid To)")
        case 21408, 21612, 21215, 21216: throw .regionRefused("\(provider) error \(answer!.code!) (region not permitted)")
        case 20003: throw .rejected("\(provider) error 20003 (authentication)")
        case 20429: throw .transient("\(provider) error 20429 (throttled)", retryAfter: response.retryAfter)
        case let code?:
            if response.status == 429 || response.status >= 500 {
                throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: provider)
            }
            throw .rejected("\(provider) error \(code) (HTTP \(response.status))")
        case nil: throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: provider)
        }
    }
}
