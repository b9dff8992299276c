import Foundation

/// Where a setting comes from when its flag is absent: the environment, then a credentials file of the same names.
package struct SettingSource {
    package let environment: [String: String]
    package let file: [String: String]
    /// Where `file` came from, so its permissions can be checked once the mode is known.
    package let filePath: String?

    package init(environment: [String: String], credentialsFile: String? = nil) throws {
        self.environment = environment
        // PHONEAUTH_CREDENTIALS_FILE is the general name (any setting, e.g. a systemd credential); the SMS one came first.
        filePath = credentialsFile ?? environment["PHONEAUTH_CREDENTIALS_FILE"] ?? environment["PHONEAUTH_SMS_CREDENTIALS_FILE"]
        guard let path = filePath else {
            file = [:]
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("cannot read credentials file \(path)") }
        guard let values = try? JSONDecoder().decode([String: String].self, from: data) else {
            throw ConfigError("credentials file \(path) must be a JSON object of PHONEAUTH_* names to strings")
        }
        file = values
    }

    package func value(_ flag: String?, _ name: String) -> String? {
        flag ?? environment[name].flatMap { $0.isEmpty ? nil : $0 } ?? file[name]
    }

    package func number<T: LosslessStringConvertible>(_ flag: T?, _ name: String) throws -> T? {
        if let flag { return flag }
        guard let text = value(nil, name) else { return nil }
        guard let parsed = T(text) else { throw ConfigError("\(name)=\(text) is not a number") }
        return parsed
    }

    /// Seconds as a `Duration`, within `range`.
    package func seconds(_ flag: Double?, _ name: String, range: ClosedRange<Double>) throws -> Duration? {
        guard let value: Double = try number(flag, name) else { return nil }
        guard range.contains(value) else { throw ConfigError("\(name) must be \(range.lowerBound) to \(range.upperBound) seconds") }
        return .milliseconds(Int(value * 1000))
    }
}
