import Foundation
import PhoneAuthCore

/// How the console writes instants: UTC, to the minute, the same on every page and in every test.
enum ConsoleFormat {
    static func instant(_ date: Date?) -> String {
        guard let date else { return "–" }
        return date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon).timeZone(separator: .omitted)).replacingOccurrences(of: "T", with: " ")
    }

    static func percent(_ part: Int, of whole: Int) -> String {
        whole == 0 ? "–" : String(format: "%.0f %%", Double(part) / Double(whole) * 100)
    }
}
