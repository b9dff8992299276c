import Foundation
import PhoneAuthCore

/// The user search form and what the last search found: a user named by phone or id opens at once; a piece of a
/// name or number lists the matches, newest sign-in first.
struct UsersPage: ConsolePage {
    static let template = ConsoleRenderer.Template.users

    struct Row: Sendable {
        var id: Int64
        var name: String
        var phone: String
        var market: String
        var status: String
        var lastLogin: String
        var link: String

        init(_ user: User) {
            id = user.id ?? 0
            name = user.fullName ?? "(no name)"
            (phone, market) = (UserPage.phone(of: user), user.market)
            status = UserPage.status(of: user)
            lastLogin = ConsoleFormat.instant(user.lastLogin)
            link = "/console/users/\(id)"
        }
    }

    var chrome: PageChrome
    var query: String
    var error: String?
    var results: [Row] = [] {
        didSet { (hasResults, shown) = (!results.isEmpty, results.count) }
    }
    /// The list stopped at the search's limit: there may be more.
    var truncated = false
    // Mustache sees stored properties only.
    private(set) var hasResults = false
    private(set) var shown = 0
}
