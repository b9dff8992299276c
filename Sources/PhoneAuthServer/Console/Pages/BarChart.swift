import Foundation
import PhoneAuthCore

/// A bar chart drawn as SVG on the server: one group of bars per period, one bar per series, a few grid lines.
/// Every coordinate is computed here, so the template only places them.
struct BarChart: Sendable {
    struct Series: Sendable {
        var name: String
        /// The CSS class that colours its bars and legend key.
        var style: String
        var values: [Int]
    }

    struct Bar: Sendable {
        var x: String
        var y: String
        var width: String
        var height: String
        var series: String
        var tooltip: String
    }

    struct GridLine: Sendable {
        var y: String
        var labelY: String
        var label: String
    }

    struct Tick: Sendable {
        var x: String
        var y: String
        var label: String
    }

    struct Key: Sendable {
        var series: String
        var label: String
    }

    var id: String
    var title: String
    let width = 960
    let height = 220
    var bars: [Bar] = []
    var gridLines: [GridLine] = []
    var ticks: [Tick] = []
    var legend: [Key]

    /// `labels[i]` names period `i` (a tick is drawn under every `tickEvery`-th); each series has a value per period.
    init(id: String, title: String, labels: [String], series: [Series], tickEvery: Int = 1) {
        (self.id, self.title) = (id, title)
        legend = series.map { Key(series: $0.style, label: $0.name) }
        let (left, bottom, top) = (36.0, 20.0, 8.0)
        let plotHeight = Double(height) - bottom - top
        let largest = max(1, series.flatMap(\.values).max() ?? 0)
        let scale = Self.niceCeiling(largest)
        for step in 0...4 {
            let value = scale * step / 4
            let y = top + plotHeight * (1 - Double(value) / Double(scale))
            gridLines.append(GridLine(y: Self.format(y), labelY: Self.format(y - 2), label: String(value)))
        }
        guard !labels.isEmpty, !series.isEmpty else { return }
        let slot = (Double(width) - left) / Double(labels.count)
        let barWidth = slot * 0.8 / Double(series.count)
        for (period, label) in labels.enumerated() {
            let slotX = left + slot * Double(period)
            for (index, line) in series.enumerated() {
                let value = period < line.values.count ? line.values[period] : 0
                let barHeight = plotHeight * Double(value) / Double(scale)
                bars.append(
                    Bar(
                        x: Self.format(slotX + slot * 0.1 + barWidth * Double(index)), y: Self.format(top + plotHeight - barHeight),
                        width: Self.format(barWidth), height: Self.format(barHeight), series: line.style,
                        tooltip: "\(label): \(value) \(line.name.lowercased())"))
            }
            if period % max(1, tickEvery) == 0 {
                ticks.append(Tick(x: Self.format(slotX + slot / 2), y: Self.format(Double(height) - 5), label: label))
            }
        }
    }

    /// The axis top: 4, 8 or 20 times a power of ten, at least `value`, so the four grid steps are whole numbers.
    static func niceCeiling(_ value: Int) -> Int {
        var magnitude = 1
        while true {
            for step in [4, 8, 20] where step * magnitude >= value { return step * magnitude }
            magnitude *= 10
        }
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
