import Crypto
import Foundation

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Builds tokens by hand, so tests can forge, tamper and re-sign them.
enum JWTTestSupport {
    static func payload(of token: String) throws -> [String: Any] {
        let part = token.split(separator: ".", omittingEmptySubsequences: false)[1]
        return try JSONSerialization.jsonObject(with: Data(base64URLEncoded: part)!) as! [String: Any]
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func json(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// header.payload signed with HMAC of the given hash, or with no signature when `secret` is nil.
    static func token(header: [String: Any], payload: [String: Any], secret: [UInt8]?, hash: String = "HS256") -> String {
        let input = base64URL(json(header)) + "." + base64URL(json(payload))
        guard let secret else { return input + "." }
        let key = SymmetricKey(data: secret)
        let signature: Data =
            switch hash {
            case "HS384": Data(HMAC<SHA384>.authenticationCode(for: Data(input.utf8), using: key))
            case "HS512": Data(HMAC<SHA512>.authenticationCode(for: Data(input.utf8), using: key))
            default: Data(HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: key))
            }
        return input + "." + base64URL(signature)
    }
}
