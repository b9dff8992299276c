import Foundation
import PhoneAuthCore

/// AWS SNS `Publish` to a phone number as a transactional SMS, signed with SigV4 by libcurl itself.
package struct SNSSMSProvider: MessageProvider {
    package struct Config: Sendable, Equatable {
        package var region: String
        package var accessKeyID: String
        package var secretAccessKey: String
        /// Defaults to `https://sns.{region}.amazonaws.com/`.
        package var endpoint: String?

        package init(region: String, accessKeyID: String, secretAccessKey: String, endpoint: String? = nil) {
            self.region = region
            self.accessKeyID = accessKeyID
            self.secretAccessKey = secretAccessKey
            self.endpoint = endpoint
        }

        package var url: String { endpoint ?? "https://sns.\(region).amazonaws.com/" }
    }

    let config: Config
    let client: CurlClient
    package let name = "sns"
    package let channel = DeliveryChannel.sms

    package init(config: Config, client: CurlClient) {
        self.config = config
        self.client = client
    }

    package func send(_ message: CodeMessage, limits: AttemptLimits) async throws(DeliveryFailure) -> String? {
        var fields = [
            ("Action", "Publish"),
            ("Version", "2010-03-31"),
            ("PhoneNumber", message.to.e164),
            ("Message", message.body),
            ("MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType"),
            ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("MessageAttributes.entry.1.Value.StringValue", "Transactional"),
        ]
        // A market's sender: SNS names an alphanumeric one SenderID and a number OriginationNumber (a Twilio
        // messaging service means nothing to it).
        let attribute: (String, String)? =
            switch message.sender {
            case .alphanumeric(let name)?: ("AWS.SNS.SMS.SenderID", name)
            case .number(let number)?: ("AWS.SNS.SMS.OriginationNumber", number)
            case .messagingService?, nil: nil
            }
        if let (name, value) = attribute {
            fields += [
                ("MessageAttributes.entry.2.Name", name), ("MessageAttributes.entry.2.Value.DataType", "String"),
                ("MessageAttributes.entry.2.Value.StringValue", value),
            ]
        }
        let form = FormEncoding.encode(fields)
        let request = CurlRequest(
            url: config.url, headers: ["Content-Type: application/x-www-form-urlencoded; charset=utf-8"],
            body: Array(form.utf8), connectTimeout: limits.connectTimeout, timeout: limits.timeout,
            userPassword: "\(config.accessKeyID):\(config.secretAccessKey)",
            // Region and service spelled out: derived from a host like 127.0.0.1 they would be nonsense.
            awsSigV4: "aws:amz:\(config.region):sns"
        )
        let response: CurlResponse
        do { response = try await client.perform(request) } catch { throw .transport(error, provider: name) }
        let text = response.text
        if response.status == 200 {
            // A 200 that is not a PublishResponse (an unsigned request answered by something else) is not a sent message.
            guard text.contains("<PublishResponse"), let id = Self.element("MessageId", in: text), !id.isEmpty else {
                throw .rejected("sns answered 200 without a PublishResponse")
            }
            return id
        }
        switch Self.element("Code", in: text) {
        case "InvalidParameter", "InvalidParameterValue":
            let detail = Self.element("Message", in: text) ?? ""
            if detail.localizedCaseInsensitiveContains("phone") || detail.contains("E164") {
                throw .invalidNumber("sns InvalidParameter (phone number)")
            }
            throw .rejected("sns InvalidParameter")
        case let code? where ["SignatureDoesNotMatch", "InvalidClientTokenId", "AccessDenied", "AuthorizationError"].contains(code):
            throw .rejected("sns \(code) (authentication)")
        case "Throttling", "ThrottlingException", "ThrottledException":
            throw .transient("sns throttled", retryAfter: response.retryAfter)
        case let code?:
            if response.status >= 500 || response.status == 429 {
                throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
            }
            throw .rejected("sns \(code) (HTTP \(response.status))")
        case nil:
            throw .fromStatus(response.status, retryAfter: response.retryAfter, provider: name)
        }
    }

    /// The text of the first `<name>…</name>`: SNS nests `Code` differently in its two error formats.
    static func element(_ name: String, in xml: String) -> String? {
        guard let open = xml.range(of: "<\(name)>"), let close = xml.range(of: "</\(name)>", range: open.upperBound..<xml.endIndex) else {
            return nil
        }
        return String(xml[open.upperBound..<close.lowerBound]).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
