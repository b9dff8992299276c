import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PhoneAuthCore

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A loopback stand-in for Twilio's Messages API with its documented JSON bodies. Numbers pick the outcome:
/// `+15005550001` invalid To (21211), `+15005550002` region not permitted (21612), `+15005550003` (21408),
/// `+15005550009` throttled once (20429, HTTP 429, `Retry-After: 1`); any other number is queued (201).
final class TwilioFake: Sendable {
    static let accountSID = "AC00000000000000000000000000000001"
    static let authToken = "twilio-test-token"

    /// A status callback's form body and its `X-Twilio-Signature`: base64 HMAC-SHA1 of the URL and the sorted fields.
    static func statusCallback(url: String, _ fields: [(String, String)], token: String = authToken) -> (body: String, signature: String) {
        let signed = url + fields.sorted { $0.0 < $1.0 }.map { $0.0 + $0.1 }.joined()
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(signed.utf8), using: SymmetricKey(data: Data(token.utf8)))
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        let body = fields.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&")
        return (body, Data(mac).base64EncodedString())
    }

    struct Sent: Sendable {
        var to: String
        var from: String?
        var messagingServiceSID: String?
        var body: String
        var sid = ""
        var statusCallback: String?
    }

    /// A call placed: the TwiML said `code`, digit by digit, twice, in `voice`.
    struct Call: Sendable {
        var to: String
        var from: String
        var code: String
        var voice: String
        var statusCallbackEvents: [String]
        var sid = ""
        var statusCallback: String?
    }

    private let sent = Locked<[Sent]>([])
    private let placed = Locked<[Call]>([])
    private let throttled = Locked<Set<String>>([])
    private let requests = Locked(0)
    /// The auth tokens the account accepts: Twilio keeps a primary and, while one is rotated, a secondary.
    private let accepted = Locked<Set<String>>([authToken])
    /// The token each accepted request came with, in order.
    private let used = Locked<[String]>([])

    var messages: [Sent] { sent.withLock { $0 } }
    var calls: [Call] { placed.withLock { $0 } }
    var requestCount: Int { requests.withLock { $0 } }
    var tokensUsed: [String] { used.withLock { $0 } }

    /// From now on only `tokens` authenticate (a secondary token created, or the old one revoked).
    func accept(_ tokens: Set<String>) { accepted.withLock { $0 = tokens } }

    @discardableResult
    func run<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("2010-04-01/Accounts/:sid/Messages.json") { request, context -> Response in
            self.requests.withLock { $0 += 1 }
            let token = self.accepted.withLock { accepted in
                accepted.first { request.headers[.authorization] == "Basic " + Data("\(Self.accountSID):\($0)".utf8).base64EncodedString() }
            }
            guard context.parameters.get("sid") == Self.accountSID, let token else {
                return Self.error(.unauthorized, code: 20003, message: "Authenticate")
            }
            self.used.withLock { $0.append(token) }
            let form = Self.parseForm(String(buffer: try await request.body.collect(upTo: 1 << 16)))
            guard let to = form["To"], let text = form["Body"], form["From"] != nil || form["MessagingServiceSid"] != nil else {
                return Self.error(.badRequest, code: 21604, message: "A 'To' phone number is required.")
            }
            switch to {
            case "+15005550001": return Self.error(.badRequest, code: 21211, message: "The 'To' number \(to) is not a valid phone number.")
            case "+15005550002": return Self.error(.badRequest, code: 21612, message: "The 'To' phone number is not currently reachable.")
            case "+15005550003":
                return Self.error(.badRequest, code: 21408, message: "Permission to send an SMS has not been enabled for the region.")
            case "+15005550009" where self.throttled.withLock { $0.insert(to).inserted }:
                var response = Self.error(.tooManyRequests, code: 20429, message: "Too Many Requests")
                response.headers[.retryAfter] = "1"
                return response
            default:
                let sid = "SM" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
                self.sent.withLock {
                    $0.append(
                        Sent(
                            to: to, from: form["From"], messagingServiceSID: form["MessagingServiceSid"], body: text, sid: sid,
                            statusCallback: form["StatusCallback"]))
                }
                return Self.json(.created, ["sid": sid, "status": "queued", "to": to, "body": text, "account_sid": Self.accountSID])
            }
        }
        router.post("2010-04-01/Accounts/:sid/Calls.json") { request, context -> Response in
            guard context.parameters.get("sid") == Self.accountSID,
                request.headers[.authorization] == "Basic " + Data("\(Self.accountSID):\(Self.authToken)".utf8).base64EncodedString()
            else { return Self.error(.unauthorized, code: 20003, message: "Authenticate") }
            let pairs = Self.parsePairs(String(buffer: try await request.body.collect(upTo: 1 << 16)))
            let form = Dictionary(pairs, uniquingKeysWith: { first, _ in first })
            guard let to = form["To"], let from = form["From"], let twiml = form["Twiml"], let said = Self.said(twiml) else {
                return Self.error(.badRequest, code: 21205, message: "Url or Twiml parameter is required.")
            }
            if to == "+15005550001" { return Self.error(.badRequest, code: 13223, message: "Invalid phone number format") }
            let events = pairs.filter { $0.0 == "StatusCallbackEvent" }.map(\.1)
            let sid = "CA" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            self.placed.withLock {
                $0.append(
                    Call(
                        to: to, from: from, code: said.code, voice: said.voice, statusCallbackEvents: events, sid: sid,
                        statusCallback: form["StatusCallback"]))
            }
            return Self.json(.created, ["sid": sid, "status": "queued", "to": to, "from": from, "account_sid": Self.accountSID])
        }
        var logger = Logger(label: "twilio-fake")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in try await body("http://127.0.0.1:\(client.port!)") }
    }

    /// The code a call's TwiML says, when it is well-formed XML whose `<Say language="…">` speaks six digits, comma
    /// separated, twice.
    private static func said(_ twiml: String) -> (code: String, voice: String)? {
        final class Reader: NSObject, XMLParserDelegate {
            var elements: [String] = []
            var voice: String?
            var text = ""
            func parser(
                _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String]
            ) {
                elements.append(name)
                if name == "Say" { voice = attributes["language"] }
            }
            func parser(_ parser: XMLParser, foundCharacters string: String) {
                if elements.last == "Say" { text += string }
            }
        }
        let reader = Reader()
        let parser = XMLParser(data: Data(twiml.utf8))
        parser.delegate = reader
        guard parser.parse(), reader.elements.first == "Response", let voice = reader.voice else { return nil }
        let spoken = reader.text.matches(of: /[0-9](, [0-9]){5}/).map { String($0.output.0) }
        guard spoken.count == 2, spoken[0] == spoken[1] else { return nil }
        return (spoken[0].replacingOccurrences(of: ", ", with: ""), voice)
    }

    static func parsePairs(_ text: String) -> [(String, String)] {
        text.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            return (parts[0], parts.count > 1 ? parts[1] : "")
        }
    }

    private static func error(_ status: HTTPResponse.Status, code: Int, message: String) -> Response {
        json(status, ["code": code, "message": message, "more_info": "https://www.twilio.com/docs/errors/\(code)", "status": status.code])
    }

    private static func json(_ status: HTTPResponse.Status, _ object: [String: Any]) -> Response {
        let data = try! JSONSerialization.data(withJSONObject: object)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func parseForm(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            fields[parts[0]] = parts.count > 1 ? parts[1] : ""
        }
        return fields
    }
}
