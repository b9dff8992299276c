import Foundation
import Hummingbird
import Mustache
import PhoneAuthCore

/// Renders the console's pages from the `.mustache` files in `Console/Templates` and serves `Console/Assets`, both
/// copied into the resource folder beside the binary (`ResourceBundle`) and read once, at start. Every template
/// begins with `ScalarHTMLEscaping.pragma`, checked here, so every `{{value}}` is escaped by Unicode scalar; no
/// template uses the unescaped `{{{…}}}` form, so user-controlled text is always shown as text. Every form that
/// changes state posts its `csrf` field; destructive buttons ask first (`data-confirm`, handled by console.js).
struct ConsoleRenderer: Sendable {
    enum Template: String, CaseIterable, Sendable {
        case login, error, overview, fraud, users, user, markets, audit, webhooks
    }

    /// The partials the pages include: the page frame and the bar chart.
    static let partials = ["layout", "chart"]

    private let library: MustacheLibrary
    let stylesheet: Response
    let script: Response

    /// Fails when a template or asset is missing or a template does not begin with the escaping pragma: a server
    /// whose console would answer blank pages does not start.
    init(contents: (String) -> Data? = ResourceBundle.contents(of:)) throws {
        func text(_ path: String) throws -> String {
            guard let data = contents(path), let text = String(data: data, encoding: .utf8) else {
                throw ConsoleResourceError(path: path, problem: "is not installed beside the binary (\(ResourceBundle.name))")
            }
            return text
        }
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        var library = MustacheLibrary()
        for name in Template.allCases.map(\.rawValue) + Self.partials {
            let path = "Templates/\(name).mustache"
            let source = try text(path)
            guard source.hasPrefix(ScalarHTMLEscaping.pragma) else {
                throw ConsoleResourceError(path: path, problem: "does not begin with \(ScalarHTMLEscaping.pragma)")
            }
            library.register(try MustacheTemplate(string: source), named: name)
        }
        self.library = library
        stylesheet = Self.asset(try text("Assets/console.css"), type: "text/css; charset=utf-8")
        script = Self.asset(try text("Assets/console.js"), type: "text/javascript; charset=utf-8")
    }

    /// The page as HTML (what the escaping tests read), with the template its type names.
    func html<Page: ConsolePage>(_ page: Page) -> String {
        library.render(page, withTemplate: Page.template.rawValue) ?? ""
    }

    func response<Page: ConsolePage>(_ page: Page, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html(page))))
    }

    private static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A console page's model, tied to its template by type: the renderer takes no template name, so a model cannot be
/// rendered with another page's template.
protocol ConsolePage: Sendable {
    static var template: ConsoleRenderer.Template { get }
}

/// A console template or asset that is missing or malformed; the server does not start.
struct ConsoleResourceError: Error, CustomStringConvertible {
    let path: String
    let problem: String

    var description: String { "The console's \(path) \(problem)." }
}
