import Dispatch
import Foundation
import PhoneAuthCore

/// Access tokens: a token with any byte changed, inserted or removed is never verified, and no string the fuzzer makes
/// up is. Input: a mode byte (0: the rest is the whole token; 1: change; 2: insert; 3: remove), a two-byte position
/// into a real HS256 token of PhoneAuth, and the byte to write.
enum AccessTokenFuzz {
    /// The token service and one genuine token, made together: a second `blocking` call nested in the first would
    /// hold a second thread of the cooperative pool (two on two cores) and deadlock.
    private static let genuine: (service: TokenService, token: String) = blocking {
        let service = await TokenService(
            keys: [JWTKeyEntry(kid: "k1", secret: Array("fuzzing-key-of-at-least-32-bytes!!".utf8))], issuer: "phoneauth", audience: "phoneauth-api",
            lifetime: .seconds(1_800), leeway: .seconds(30), now: { Date(timeIntervalSince1970: 1_800_000_000) })
        return (service, try! await service.issue(userID: 42, market: "kg", role: "user", sessionID: "session-1"))
    }

    static let target = FuzzTarget(
        name: "access-token", property: "a token with any byte changed is never verified; no made-up token is"
    ) { bytes in
        guard bytes.count >= 4 else { return nil }
        let (service, token) = genuine
        var candidate = Array(token.utf8)
        let position = (Int(bytes[1]) << 8 | Int(bytes[2])) % (candidate.count + 1)
        switch bytes[0] % 4 {
        case 0: candidate = Array(bytes.dropFirst())
        case 1: if position < candidate.count { candidate[position] = bytes[3] }
        case 2: candidate.insert(bytes[3], at: position)
        default: if position < candidate.count { candidate.remove(at: position) }
        }
        let text = String(decoding: candidate, as: UTF8.self)
        guard text != token else { return nil }
        let claims = blocking { try? await service.verify(text) }
        return claims == nil ? nil : "an altered token was verified: \(text.debugDescription)"
    }

    /// The fuzzer's callback is synchronous; the token service is async (it never suspends for long).
    private static func blocking<Value: Sendable>(_ work: @escaping @Sendable () async -> Value) -> Value {
        let done = DispatchSemaphore(value: 0)
        let result = Box<Value>()
        Task {
            result.value = await work()
            done.signal()
        }
        done.wait()
        return result.value!
    }

    private final class Box<Value>: @unchecked Sendable {
        var value: Value?
    }
}
