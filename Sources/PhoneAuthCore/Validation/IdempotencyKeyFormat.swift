/// What an `Idempotency-Key` header may hold: 1 to 255 visible ASCII characters (the OpenAPI document's pattern
/// `^[!-~]{1,255}$`); the key is stored and compared as sent. Fuzzed with the other header parsers.
package enum IdempotencyKeyFormat {
    package static func accepts(_ key: String) -> Bool {
        (1...255).contains(key.utf8.count) && key.utf8.allSatisfy { (0x21...0x7E).contains($0) }
    }
}
