import Foundation
import Hummingbird
import Mustache

/// Renders the console's pages from the templates compiled into the binary (parsed once, at start), every value
/// escaped by Unicode scalar (`ScalarHTMLEscaping`).
struct ConsoleRenderer: Sendable {
    enum Template: String, CaseIterable, Sendable {
        case login, error, overview, fraud, users, user, markets, audit
    }

    private let library: MustacheLibrary

    init() throws {
        let sources: [String: String] = [
            "layout": LayoutTemplates.layout, "chart": LayoutTemplates.chart, Template.login.rawValue: LayoutTemplates.login,
            Template.error.rawValue: LayoutTemplates.error, Template.overview.rawValue: PageTemplates.overview,
            Template.fraud.rawValue: PageTemplates.fraud, Template.users.rawValue: PageTemplates.users, Template.user.rawValue: PageTemplates.user,
            Template.markets.rawValue: PageTemplates.markets, Template.audit.rawValue: PageTemplates.audit,
        ]
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: ScalarHTMLEscaping.name)
        library = MustacheLibrary(templates: try sources.mapValues { try MustacheTemplate(string: ScalarHTMLEscaping.pragma + $0) })
    }

    /// The page as HTML (what the escaping tests read).
    func html(_ template: Template, _ model: Any) -> String {
        library.render(model, withTemplate: template.rawValue) ?? ""
    }

    func response(_ template: Template, _ model: Any, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: html(template, model))))
    }

    static func asset(_ text: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .cacheControl: "max-age=300"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
