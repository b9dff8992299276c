import Crypto
import Foundation
import Hummingbird
import PhoneAuthCore

/// A loopback Telegram Gateway API: `POST /checkSendAbility` and `POST /sendVerificationMessage` with the bearer token
/// and JSON bodies holding only documented parameters. A check answers a `request_id`; a send must carry the check's
/// `request_id` for the same phone, once (Telegram charges a send without one, and refuses one used twice), our own
/// code of 4 to 8 digits and a ttl of 60 to 86400. `+996700000002` has no Telegram account: the check says so.
final class TelegramFake: Sendable {
    static let token = "AAGateway-test-token"
    static let notOnTelegram = "+996700000002"

    /// A delivery report as the Gateway posts it to `callback_url`: the body, `X-Request-Timestamp` and
    /// `X-Request-Signature`, signed with the SHA-256 of `token`.
    static func report(
        requestID: String, status: String, at timestamp: Int = Int(Date().timeIntervalSince1970), token: String = token
    )
        -> (body: String, timestamp: String, signature: String)
    {
        let report: [String: Any] = [
            "request_id": requestID, "phone_number": "+996555100001", "request_cost": 0.01,
            "delivery_status": ["status": status, "updated_at": timestamp],
        ]
        let body = String(decoding: try! JSONSerialization.data(withJSONObject: report), as: UTF8.self)
        let key = SymmetricKey(data: SHA256.hash(data: Data(token.utf8)))
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(timestamp)\n\(body)".utf8), using: key)
        return (body, String(timestamp), mac.map { String(format: "%02x", $0) }.joined())
    }

    struct Sent: Sendable {
        var phone: String
        var code: String
        var ttl: Int
        var requestID: String
        var callbackURL: String?
    }

    private let sent = Locked<[Sent]>([])
    /// request_id → phone, for checks not yet spent by a send.
    private let checks = Locked<[String: String]>([:])
    private let checkCount = Locked(0)
    var messages: [Sent] { sent.withLock { $0 } }
    var checksMade: Int { checkCount.withLock { $0 } }

    func run<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("checkSendAbility") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.token)" else { return Self.failure("ACCESS_TOKEN_INVALID") }
            guard let object = try await FakeProvider.object(request), Set(object.keys) == ["phone_number"],
                let phone = object["phone_number"] as? String, phone.wholeMatch(of: /\+[1-9][0-9]{6,14}/) != nil
            else { return Self.failure("PHONE_NUMBER_INVALID") }
            self.checkCount.withLock { $0 += 1 }
            if phone == Self.notOnTelegram { return Self.failure("PHONE_NUMBER_NOT_AVAILABLE") }
            let id = UUID().uuidString
            self.checks.withLock { $0[id] = phone }
            return Self.status(id, phone: phone)
        }
        router.post("sendVerificationMessage") { request, _ -> Response in
            guard request.headers[.authorization] == "Bearer \(Self.token)" else { return Self.failure("ACCESS_TOKEN_INVALID") }
            let allowed: Set<String> = ["phone_number", "request_id", "sender_username", "code", "code_length", "callback_url", "payload", "ttl"]
            guard let object = try await FakeProvider.object(request), Set(object.keys).isSubset(of: allowed),
                let phone = object["phone_number"] as? String, let requestID = object["request_id"] as? String
            else { return Self.failure("PARAMETERS_INVALID") }
            guard let code = object["code"] as? String, code.wholeMatch(of: /[0-9]{4,8}/) != nil else { return Self.failure("CODE_INVALID") }
            guard let ttl = object["ttl"] as? Int, (60...86_400).contains(ttl) else { return Self.failure("TTL_INVALID") }
            guard self.checks.withLock({ $0.removeValue(forKey: requestID) }) == phone else { return Self.failure("REQUEST_ID_INVALID") }
            self.sent.withLock {
                $0.append(Sent(phone: phone, code: code, ttl: ttl, requestID: requestID, callbackURL: object["callback_url"] as? String))
            }
            return Self.status(requestID, phone: phone, delivery: "sent")
        }
        return try await FakeProvider.serve(router, label: "telegram-fake", body)
    }

    private static func status(_ id: String, phone: String, delivery: String? = nil) -> Response {
        var result: [String: Any] = ["request_id": id, "phone_number": phone, "request_cost": 0.01]
        if let delivery { result["delivery_status"] = ["status": delivery, "updated_at": Int(Date().timeIntervalSince1970)] }
        return FakeProvider.json(.ok, ["ok": true, "result": result])
    }

    private static func failure(_ error: String) -> Response {
        FakeProvider.json(.ok, ["ok": false, "error": error])
    }
}
