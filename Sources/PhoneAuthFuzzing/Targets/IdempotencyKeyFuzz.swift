import Foundation
import PhoneAuthCore

/// `Idempotency-Key`: the server takes exactly what the OpenAPI document's pattern allows, checked against
/// NSRegularExpression running that pattern as JSON Schema (ECMA-262) reads it: `$` is the end of the input. ICU's `$`
/// also matches before a final line terminator, so the oracle says `\z` (the first run found `"hbt\r"` there: the
/// oracle was wrong, the server right; the input stays in the corpus).
enum IdempotencyKeyFuzz {
    private static let pattern = try! NSRegularExpression(pattern: #"^[!-~]{1,255}\z"#)

    static let target = FuzzTarget(
        name: "idempotency-key", property: "an Idempotency-Key is accepted exactly when the document's pattern ^[!-~]{1,255}$ matches it"
    ) { bytes in
        let key = String(decoding: bytes, as: UTF8.self)
        let documented = pattern.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
        let accepted = IdempotencyKeyFormat.accepts(key)
        return accepted == documented ? nil : "\(key.debugDescription): accepted \(accepted), the pattern says \(documented)"
    }
}
