import Foundation
import PhoneAuthCore

/// What the overview template shows.
struct OverviewPage: ConsolePage {
    static let template = ConsoleRenderer.Template.overview

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

    /// One channel in one market: what became of its codes.
    struct DeliveryRow: Sendable {
        var channel: String
        var market: String
        var sent: Int
        var delivered: Int
        var failed: Int
        var deliveryRate: String
        var averageDelivery: String
        var conversion: String
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
    var deliveries: [DeliveryRow]
    var refusals: [RefusalRow]

    init(
        chrome: PageChrome, report: OverviewReport, window: ActivityWindow, markets: MarketCatalog, prices: [String: Double],
        deliveries: [DeliveryStats] = [], fraud: FraudSettings = FraudSettings()
    ) {
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
            Card(id: "texts-saved", label: "Texts saved", value: String(report.networkVerified)),
            Card(
                id: "spend-saved", label: "Spend saved",
                value: String(
                    format: "$%.2f", report.networkVerifiedByMarket.reduce(0.0) { $0 + Double($1.value) * (prices[$1.key] ?? 0) })),
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
        self.deliveries = deliveries.map { row in
            let percent = { (value: Double?) in value.map { String(format: "%.1f %%", $0 * 100) } ?? "–" }
            let price = fraud.price(market: row.market, channel: row.channel)
            return DeliveryRow(
                channel: row.channel.rawValue, market: row.market, sent: row.sent, delivered: row.delivered, failed: row.failed,
                deliveryRate: percent(row.deliveryRate), averageDelivery: row.averageDeliverySeconds.map { String(format: "%.1f s", $0) } ?? "–",
                conversion: percent(row.conversion), usd: price.map { String(format: "$%.2f", Double(row.sent) * $0) } ?? "no price set")
        }
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
