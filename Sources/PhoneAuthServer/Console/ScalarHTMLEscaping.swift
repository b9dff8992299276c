import Mustache
import PhoneAuthCore

/// Every console template's escaping: `HTMLEscape`, by Unicode scalar (swift-mustache's own goes by grapheme cluster
/// and let `"` + U+0301 through).
struct ScalarHTMLEscaping: MustacheContentType {
    static let name = "SCALAR_HTML"
    /// Put first in a template: `{{% CONTENT_TYPE: SCALAR_HTML}}`.
    static let pragma = "{{% CONTENT_TYPE: \(name)}}"

    func escapeText(_ text: String) -> String { HTMLEscape.text(text) }
}
