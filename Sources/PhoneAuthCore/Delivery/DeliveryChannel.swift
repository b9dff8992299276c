/// How a code reaches a person. Every channel passes the same limits, budgets and fraud defence as SMS.
package enum DeliveryChannel: String, Sendable, CaseIterable, Codable, Comparable {
    case sms
    case whatsapp
    case telegram
    case voice

    package static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
