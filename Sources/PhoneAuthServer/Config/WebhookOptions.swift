import ArgumentParser
import Foundation
import PhoneAuthCore

/// How webhook deliveries are retried (the endpoints themselves are configured at run time: `admin webhooks`, or
/// `/admin/webhooks`).
struct WebhookOptions: ParsableArguments {
    @Option(help: "Seconds before a failed webhook is first tried again, doubling up to an hour (PHONEAUTH_WEBHOOK_FIRST_RETRY_SECONDS, 5).")
    var webhookFirstRetrySeconds: Double?
    @Option(help: "Hours a failing webhook is retried before it goes to the dead letters (PHONEAUTH_WEBHOOK_RETRY_HOURS, default 24).")
    var webhookRetryHours: Double?

    func apply(to config: inout AppConfig, source: SettingSource) throws {
        if let wait = try source.seconds(webhookFirstRetrySeconds, "PHONEAUTH_WEBHOOK_FIRST_RETRY_SECONDS", range: 0.05...3_600) {
            config.webhookRetry.firstWait = wait.seconds
        }
        if let hours: Double = try source.number(webhookRetryHours, "PHONEAUTH_WEBHOOK_RETRY_HOURS") {
            guard hours > 0, hours <= 24 * 14 else { throw ConfigError("--webhook-retry-hours must be more than 0 and at most 336") }
            config.webhookRetry.retryFor = hours * 3_600
        }
    }
}
