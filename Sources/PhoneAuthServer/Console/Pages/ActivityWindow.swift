import Foundation
import PhoneAuthCore

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
