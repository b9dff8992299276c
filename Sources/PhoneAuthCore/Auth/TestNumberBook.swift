import Foundation

/// Phones with a fixed code (for app-store reviewers and monitoring): no SMS is sent and no limit applies, until the
/// entry's expiry date. Refused in production unless explicitly allowed.
package struct TestNumberBook: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        package var phone: PhoneNumber
        package var code: String
        package var expiresAt: Date
    }

    package var entries: [Entry] = []

    /// Parses `+13125550123:123456:2027-01-31`, comma-separated.
    package init(parsing text: String) throws {
        entries = try text.split(separator: ",").map { item in
            let parts = item.trimmingCharacters(in: .whitespaces).split(separator: ":").map(String.init)
            guard parts.count == 3 else { throw ConfigError("test number \"\(item)\" must be PHONE:CODE:YYYY-MM-DD") }
            guard let phone = try? PhoneNumber(parsing: parts[0]) else { throw ConfigError("test number \(parts[0]) is not an E.164 number") }
            guard parts[1].wholeMatch(of: /[0-9]{6}/) != nil else { throw ConfigError("test number code must be 6 digits") }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withFullDate]
            guard let day = formatter.date(from: parts[2]) else { throw ConfigError("test number expiry \(parts[2]) is not YYYY-MM-DD") }
            // Valid through the whole expiry day, UTC.
            return Entry(phone: phone, code: parts[1], expiresAt: day.addingTimeInterval(86_400))
        }
    }

    package init(_ entries: [Entry] = []) {
        self.entries = entries
    }

    /// The fixed code while the entry is live.
    package func code(for phone: PhoneNumber, at now: Date) -> String? {
        entries.first { $0.phone == phone && now < $0.expiresAt }?.code
    }
}
