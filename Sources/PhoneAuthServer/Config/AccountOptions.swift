import ArgumentParser
import Foundation
import PhoneAuthCore

/// An account's life: how long a number that left an account waits before a new account may take it, how fresh a
/// sign-in must be to delete the account, and how a number change goes.
struct AccountOptions: ParsableArguments {
    @Option(
        help: "Days a number that left an account waits before a new account may take it; 0 for none (PHONEAUTH_NUMBER_QUARANTINE_DAYS, default 30).")
    var numberQuarantineDays: Int?
    @Option(help: "Seconds after a sign-in by code within which its session may delete the account (PHONEAUTH_STEP_UP_SECONDS, default 300).")
    var stepUpSeconds: Double?
    @Option(help: "Days between two number changes of one account; 0 for no limit (PHONEAUTH_PHONE_CHANGE_COOLDOWN_DAYS, default 7).")
    var phoneChangeCooldownDays: Int?
    @Option(help: "Days without a sign-in or refresh after which an account is dormant; 0 for never (PHONEAUTH_DORMANT_AFTER_DAYS, default 180).")
    var dormantAfterDays: Int?
    @Option(
        help: ArgumentHelp(
            "A sign-in by code to a dormant account: new-account (a fresh account; the old one is detached and kept) or allow "
                + "(PHONEAUTH_RECYCLED_NUMBERS, default new-account)."))
    var recycledNumbers: String?
    @Option(
        help: ArgumentHelp(
            "Days a detached account is kept for support before it is erased; 0 to keep it until an operator deletes it "
                + "(PHONEAUTH_DETACHED_RETENTION_DAYS, default 90)."))
    var detachedRetentionDays: Int?
    @Flag(help: "Do not text the old number when an account moves to another (PHONEAUTH_PHONE_CHANGE_NOTICE=off).")
    var noPhoneChangeNotice = false
    @Flag(help: "Keep the account's other sessions when its number changes (PHONEAUTH_PHONE_CHANGE_ENDS_SESSIONS=off).")
    var keepSessionsOnPhoneChange = false

    func apply(to config: inout AppConfig, source: SettingSource) throws {
        if let days: Int = try source.number(numberQuarantineDays, "PHONEAUTH_NUMBER_QUARANTINE_DAYS") {
            guard (0...3_650).contains(days) else { throw ConfigError("the number quarantine must be 0 to 3650 days") }
            config.account.quarantine = .seconds(days * 86_400)
        }
        if let window = try source.seconds(stepUpSeconds, "PHONEAUTH_STEP_UP_SECONDS", range: 30...3_600) { config.account.stepUpWindow = window }
        if let days: Int = try source.number(phoneChangeCooldownDays, "PHONEAUTH_PHONE_CHANGE_COOLDOWN_DAYS") {
            guard (0...365).contains(days) else { throw ConfigError("the number-change cooldown must be 0 to 365 days") }
            config.account.phoneChangeCooldown = .seconds(days * 86_400)
        }
        if let days: Int = try source.number(dormantAfterDays, "PHONEAUTH_DORMANT_AFTER_DAYS") {
            guard (0...3_650).contains(days) else { throw ConfigError("the dormant period must be 0 to 3650 days") }
            config.account.dormantAfter = .seconds(days * 86_400)
        }
        if let days: Int = try source.number(detachedRetentionDays, "PHONEAUTH_DETACHED_RETENTION_DAYS") {
            guard (0...3_650).contains(days) else { throw ConfigError("the detached-account retention must be 0 to 3650 days") }
            config.account.detachedRetention = .seconds(days * 86_400)
        }
        if let text = source.value(recycledNumbers, "PHONEAUTH_RECYCLED_NUMBERS") {
            guard let mode = AccountPolicy.RecycledNumbers(rawValue: text) else {
                throw ConfigError("--recycled-numbers must be new-account or allow, not \(text)")
            }
            config.account.recycledNumbers = mode
        }
        config.account.phoneChangeNotice = !noPhoneChangeNotice && !Self.isOff(source.value(nil, "PHONEAUTH_PHONE_CHANGE_NOTICE"))
        config.account.phoneChangeEndsSessions =
            !keepSessionsOnPhoneChange && !Self.isOff(source.value(nil, "PHONEAUTH_PHONE_CHANGE_ENDS_SESSIONS"))
    }

    private static func isOff(_ value: String?) -> Bool {
        ["off", "false", "0", "no"].contains(value?.lowercased() ?? "")
    }
}
