/// HTML escaping by Unicode scalar, for the console. By scalar, not by `Character`: swift-mustache's own escaper looks
/// characters up by grapheme cluster, so `"` followed by a combining mark (U+0301) is one `Character` that is not `"`
/// and went out unescaped, ending an attribute early; a browser sees the scalars. Fuzzed (`phoneauth-fuzz
/// html-escape`): no `"`, `'`, `<` or `>` comes out, every `&` starts one of the five entities, and unescaping gives
/// the input back.
package enum HTMLEscape {
    package static func text(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        escaped.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }
}
