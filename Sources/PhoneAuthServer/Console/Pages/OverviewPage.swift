import Foundation

/// The period the overview covers, and how its charts split it.
enum ActivityWindow: String, CaseIterable, Sendable {
    case hour, day, week

    var seconds: Int64 {
        switch self {
        case .hour: 3_600
        case .day: 86_400
        case .week: 7 * 86_400
        }
    }

    /// The chart's periods: 12 of five minutes, 24 hours, 7 days.
    var barSeconds: Int64 {
        switch self {
        case .hour: 300
        case .day: 3_600
        case .week: 86_400
        }
    }

    var label: String { "Last \(rawValue)" }
}

/// The overview's figures for one window, summed from the activity counters: what the view model test compares with
/// the stored rows.
struct OverviewReport: Sendable, Equatable {
    var signIns = 0
    var sent = 0
    var verified = 0
    var challenged = 0
    /// Sent per market code.
    var sentByMarket: [String: Int] = [:]
    /// Refusals per limit's error code.
    var refusals: [String: Int] = [:]
    /// Per chart period, oldest first.
    var sentPerPeriod: [Int] = []
    var verifiedPerPeriod: [Int] = []
    var signInsPerPeriod: [Int] = []
    /// The start of each period (seconds since 1970).
    var periodStarts: [Int64] = []

    /// Verified codes per text sent; nil when nothing was sent.
    var conversion: Double? { sent == 0 ? nil : Double(verified) / Double(sent) }

    init() {}

    /// The window ends with the bucket `now` falls in; its periods are whole `barSeconds` before that.
    init(_ counts: [ActivityCount], window: ActivityWindow, now: Date) {
        let end = ActivityCount.bucket(of: now) + ActivityCount.bucketSeconds
        let bars = Int(window.seconds / window.barSeconds)
        let start = end - window.seconds
        periodStarts = (0..<bars).map { start + Int64($0) * window.barSeconds }
        sentPerPeriod = Array(repeating: 0, count: bars)
        verifiedPerPeriod = sentPerPeriod
        signInsPerPeriod = sentPerPeriod
        for counter in counts where counter.key.bucket >= start && counter.key.bucket < end {
            let period = Int((counter.key.bucket - start) / window.barSeconds)
            switch counter.key.event {
            case .sent:
                sent += counter.count
                sentByMarket[counter.key.market, default: 0] += counter.count
                sentPerPeriod[period] += counter.count
            case .verified:
                verified += counter.count
                verifiedPerPeriod[period] += counter.count
            case .signIn:
                signIns += counter.count
                signInsPerPeriod[period] += counter.count
            case .challenged:
                challenged += counter.count
            case .refused(let limit):
                refusals[limit, default: 0] += counter.count
            }
        }
    }
}

/// What the overview template shows.
struct OverviewPage: Sendable {
    struct WindowLink: Sendable {
        var id: String
        var label: String
        var current: Bool
    }

    struct Card: Sendable {
        var id: String
        var label: String
        var value: String
    }

    struct SpendRow: Sendable {
        var country: String
        var market: String
        var sent: Int
        var price: String
        var usd: String
    }

    struct RefusalRow: Sendable {
        var limit: String
        var count: Int
    }

    var chrome: PageChrome
    var windows: [WindowLink]
    var cards: [Card]
    var sendChart: BarChart
    var signInChart: BarChart
    var spend: [SpendRow]
    var totalSpend: String
    var refusals: [RefusalRow]

    init(chrome: PageChrome, report: OverviewReport, window: ActivityWindow, markets: MarketCatalog, prices: [String: Double]) {
        self.chrome = chrome
        windows = ActivityWindow.allCases.map { WindowLink(id: $0.rawValue, label: $0.label, current: $0 == window) }
        let conversion = report.conversion.map { String(format: "%.1f %%", $0 * 100) } ?? "–"
        cards = [
            Card(id: "sign-ins", label: "Sign-ins", value: String(report.signIns)),
            Card(id: "sent", label: "Codes sent", value: String(report.sent)),
            Card(id: "verified", label: "Codes verified", value: String(report.verified)),
            Card(id: "conversion", label: "Conversion", value: conversion),
            Card(id: "challenged", label: "Challenges", value: String(report.challenged)),
            Card(id: "refused", label: "Refusals", value: String(report.refusals.values.reduce(0, +))),
        ]
        let labels = report.periodStarts.map { Self.label(Date(timeIntervalSince1970: TimeInterval($0)), window: window) }
        let tickEvery = window == .day ? 3 : 1
        sendChart = BarChart(
            id: "sends", title: "Codes sent and verified, \(window.label.lowercased())", labels: labels,
            series: [
                .init(name: "Sent", style: "sent", values: report.sentPerPeriod),
                .init(name: "Verified", style: "verified", values: report.verifiedPerPeriod),
            ], tickEvery: tickEvery)
        signInChart = BarChart(
            id: "sign-ins", title: "Sign-ins, \(window.label.lowercased())", labels: labels,
            series: [.init(name: "Sign-ins", style: "signin", values: report.signInsPerPeriod)], tickEvery: tickEvery)
        var total = 0.0
        spend = report.sentByMarket.keys.sorted().map { code in
            let sent = report.sentByMarket[code] ?? 0
            let price = prices[code]
            total += Double(sent) * (price ?? 0)
            return SpendRow(
                country: markets.market(code: code)?.country ?? code, market: code, sent: sent,
                price: price.map { String(format: "$%.4f", $0) } ?? "no price set",
                usd: price.map { String(format: "$%.2f", Double(sent) * $0) } ?? "–")
        }
        totalSpend = String(format: "$%.2f", total)
        refusals = report.refusals.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { RefusalRow(limit: $0.key, count: $0.value) }
    }

    private static func label(_ start: Date, window: ActivityWindow) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.month, .day, .hour, .minute], from: start)
        switch window {
        case .hour, .day: return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
        case .week: return String(format: "%02d-%02d", parts.month ?? 0, parts.day ?? 0)
        }
    }
}
