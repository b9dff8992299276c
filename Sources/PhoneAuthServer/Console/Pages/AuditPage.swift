import Foundation
import PhoneAuthCore

/// The audit log, newest first, filtered by operator and target, a page at a time.
struct AuditPage: ConsolePage {
    static let template = ConsoleRenderer.Template.audit

    struct Row: Sendable {
        var at: String
        var who: String
        var action: String
        var target: String
        var detail: String
        var address: String
        var via: String
    }

    static let pageSize = 50

    var chrome: PageChrome
    var rows: [Row]
    var operatorFilter: String
    var targetFilter: String
    /// The link to the next (older) page, when there may be one.
    var olderLink: String?
    var error: String?

    init(chrome: PageChrome, entries: [AuditEntry], operatorFilter: String, targetFilter: String, error: String? = nil) {
        (self.chrome, self.operatorFilter, self.targetFilter, self.error) = (chrome, operatorFilter, targetFilter, error)
        rows = entries.map { entry in
            Row(
                at: ConsoleFormat.instant(entry.at), who: entry.operatorID.map { "user \($0)" } ?? (entry.via == .server ? "server" : "CLI"),
                action: entry.action.rawValue,
                target: entry.target, detail: entry.detail ?? "", address: entry.address ?? "–", via: entry.via.rawValue)
        }
        if entries.count == Self.pageSize, let last = entries.last?.id {
            var query = URLComponents()
            query.queryItems = [
                URLQueryItem(name: "operator", value: operatorFilter), URLQueryItem(name: "target", value: targetFilter),
                URLQueryItem(name: "before", value: String(last)),
            ].filter { !($0.value ?? "").isEmpty }
            olderLink = "/console/audit" + (query.string ?? "")
        }
    }
}
