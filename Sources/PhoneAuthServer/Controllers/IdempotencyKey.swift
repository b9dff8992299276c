import Hummingbird
import PhoneAuthCore

/// The `Idempotency-Key` header: absent, or 1 to 255 visible ASCII characters.
enum IdempotencyKey {
    static func of(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard IdempotencyKeyFormat.accepts(key) else {
            throw AppError.invalidRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.", field: "Idempotency-Key")
        }
        return key
    }
}
