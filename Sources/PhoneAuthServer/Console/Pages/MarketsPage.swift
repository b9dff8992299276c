import Foundation
import PhoneAuthCore

/// The configured markets with their users and recent sign-ins, and force-logout per market.
struct MarketsPage: ConsolePage {
    static let template = ConsoleRenderer.Template.markets

    struct Row: Sendable {
        var code: String
        var country: String
        var callingCode: String
        var users: Int
        var signInsDay: Int
        var signInsWeek: Int
    }

    var chrome: PageChrome
    var rows: [Row]

    init(chrome: PageChrome, markets: MarketCatalog, users: [String: Int], activity: [ActivityCount], now: Date) {
        self.chrome = chrome
        // The same windows as the overview's, so the two pages agree.
        let dayStart = ActivityCount.bucket(of: now) + ActivityCount.bucketSeconds - ActivityWindow.day.seconds
        let weekStart = ActivityCount.bucket(of: now) + ActivityCount.bucketSeconds - ActivityWindow.week.seconds
        rows = markets.markets.map { market in
            let signIns = activity.filter { $0.key.market == market.code && $0.key.event == .signIn }
            return Row(
                code: market.code, country: market.country, callingCode: "+" + market.callingCode, users: users[market.code] ?? 0,
                signInsDay: signIns.filter { $0.key.bucket >= dayStart }.map(\.count).reduce(0, +),
                signInsWeek: signIns.filter { $0.key.bucket >= weekStart }.map(\.count).reduce(0, +))
        }
    }
}
