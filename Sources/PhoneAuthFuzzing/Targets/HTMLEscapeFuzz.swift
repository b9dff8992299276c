import PhoneAuthCore

/// The console's escaper: nothing that can end an attribute or open a tag survives, whatever follows it (a combining
/// mark made `"` + U+0301 one `Character` that a grapheme-based escaper let through), and nothing is lost.
enum HTMLEscapeFuzz {
    private static let entities: [(String, Unicode.Scalar)] = [("&amp;", "&"), ("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'")]

    static let target = FuzzTarget(
        name: "html-escape", property: "never lets \", ', <, > or a bare & through, whatever follows them; unescaping gives the input back"
    ) { bytes in
        let text = String(decoding: bytes, as: UTF8.self)
        let escaped = Array(HTMLEscape.text(text).unicodeScalars)
        if let raw = escaped.first(where: { "\"'<>".unicodeScalars.contains($0) }) {
            return "\(raw.escaped(asASCII: true)) left unescaped in \(text.debugDescription)"
        }
        var restored: [Unicode.Scalar] = []
        var index = 0
        while index < escaped.count {
            guard escaped[index] == "&" else {
                restored.append(escaped[index])
                index += 1
                continue
            }
            guard let (entity, scalar) = entities.first(where: { escaped[index...].starts(with: $0.0.unicodeScalars) }) else {
                return "a bare & in the escaped \(text.debugDescription)"
            }
            restored.append(scalar)
            index += entity.unicodeScalars.count
        }
        return restored == Array(text.unicodeScalars) ? nil : "unescaping does not give \(text.debugDescription) back"
    }
}
