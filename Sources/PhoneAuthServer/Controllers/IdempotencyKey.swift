import Hummingbird
import PhoneAuthCore

/// The `Idempotency-Key` header: absent, or 1 to 255 visible ASCII characters.
enum IdempotencyKey {
    static func of(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw AppError.invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.", field: "Idempotency-Key")
        }
        return key
    }
}
