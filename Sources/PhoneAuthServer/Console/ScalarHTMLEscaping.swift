import Mustache
import PhoneAuthCore

/// HTML escaping by Unicode scalar, for every console template. swift-mustache's own escaper looks characters up by
/// grapheme cluster, so `"` followed by a combining mark (U+0301) is one `Character` that is not `"` and went out
/// unescaped, ending an attribute early; a browser sees the scalars.
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "SCALAR_HTML"
    /// Put first in a template: `{{% CONTENT_TYPE: SCALAR_HTML}}`.
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    func escapeText(_ text: String) -> String {
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
