import Foundation
import PhoneAuthCore

/// What every console page shows around its content: the title, the sections, the operator and the sign-out form.
struct PageChrome: Sendable {
    struct NavItem: Sendable {
        var href: String
        var label: String
        var current: Bool
    }

    enum Section: String, CaseIterable, Sendable {
        case overview, fraud, users, markets, webhooks, audit

        var href: String { self == .overview ? "/console" : "/console/\(rawValue)" }
        var label: String {
            switch self {
            case .overview: "Overview"
            case .fraud: "Fraud"
            case .users: "Users"
            case .markets: "Markets"
            case .webhooks: "Webhooks"
            case .audit: "Audit log"
            }
        }
    }

    var title: String
    var signedIn: Bool
    var nav: [NavItem]
    var `operator`: String
    var csrf: String
    /// A line above the content: what the last action did.
    var notice: String?

    static func signedOut(title: String, notice: String? = nil) -> PageChrome {
        PageChrome(title: title, signedIn: false, nav: [], operator: "", csrf: "", notice: notice)
    }

    static func signedIn(_ section: Section?, title: String, operator caller: Caller, csrf: String, notice: String?) -> PageChrome {
        let name = caller.user.fullName.map { "\($0) (user \(caller.userID))" } ?? "user \(caller.userID)"
        return PageChrome(
            title: title, signedIn: true,
            nav: Section.allCases.map { NavItem(href: $0.href, label: $0.label, current: $0 == section) },
            operator: name, csrf: csrf, notice: notice)
    }
}

/// What a finished action says on the page it leads back to. A fixed list, so a link cannot put words on the page.
enum ConsoleNotice: String, CaseIterable, Sendable {
    case banned, unbanned, promoted, demoted
    case loggedOut = "logged-out"
    case sessionRevoked = "session-revoked"
    case rangeBlocked = "range-blocked"
    case rangeUnblocked = "range-unblocked"
    case rangeNotBlocked = "range-not-blocked"
    case marketLoggedOut = "market-logged-out"
    case signedOut = "signed-out"
    case sessionEnded = "session-ended"
    case deleted, reattached
    case webhookRetry = "webhook-retry"
    case webhookNotRetried = "webhook-not-retried"

    var text: String {
        switch self {
        case .banned: "The user is banned: every session ended and sign-in is refused."
        case .deleted: "The account is deleted: every session ended, its personal data is erased and its number is in quarantine."
        case .reattached: "The account has its number back; an account that signed in with the number since is detached."
        case .unbanned: "The ban is lifted. The sessions it ended stay ended."
        case .promoted: "The user is now an admin."
        case .demoted: "The user is no longer an admin."
        case .loggedOut: "Every session of the user ended."
        case .sessionRevoked: "The session ended."
        case .rangeBlocked: "The range is blocked: no code goes to it until the block is lifted."
        case .rangeUnblocked: "The block is lifted."
        case .rangeNotBlocked: "That range had no block in force."
        case .marketLoggedOut: "Every session in the market ended."
        case .signedOut: "You are signed out of the console."
        case .sessionEnded: "Your console session has ended. Sign in again."
        case .webhookRetry: "The event is being sent again; this page shows how it went in a moment."
        case .webhookNotRetried: "That dead letter was delivered or asked for again already."
        }
    }

    static func of(_ query: String?) -> String? { query.flatMap { Self(rawValue: $0)?.text } }
}
