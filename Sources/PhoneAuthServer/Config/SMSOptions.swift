import ArgumentParser
import Foundation
import PhoneAuthCore
import PhoneAuthDelivery

/// SMS flags: the provider list, each provider's credentials, and delivery limits. Secrets may also come from the
/// environment or a credentials file, so they need not appear on a command line.
struct SMSOptions: ParsableArguments {
    @Option(help: "Providers in failover order: console, webhook, twilio, sns, e.g. twilio,sns (PHONEAUTH_SMS, default console).")
    var sms: String?
    @Option(help: "JSON file of PHONEAUTH_* names to values, for secrets (PHONEAUTH_SMS_CREDENTIALS_FILE).") var smsCredentialsFile: String?
    @Option(help: "Webhook URL (PHONEAUTH_SMS_WEBHOOK_URL).") var smsWebhookUrl: String?
    @Option(help: "Webhook signing secret (PHONEAUTH_SMS_WEBHOOK_SECRET).") var smsWebhookSecret: String?
    @Option(help: "Twilio Account SID (PHONEAUTH_TWILIO_ACCOUNT_SID).") var twilioAccountSid: String?
    @Option(help: "Twilio auth token (PHONEAUTH_TWILIO_AUTH_TOKEN).") var twilioAuthToken: String?
    @Option(help: "Twilio sender number (PHONEAUTH_TWILIO_FROM).") var twilioFrom: String?
    @Option(help: "Twilio Messaging Service SID, instead of --twilio-from (PHONEAUTH_TWILIO_MESSAGING_SERVICE_SID).")
    var twilioMessagingServiceSid: String?
    @Option(help: "Twilio API base URL (PHONEAUTH_TWILIO_BASE_URL, default https://api.twilio.com).") var twilioBaseUrl: String?
    @Option(
        help: ArgumentHelp(
            "A market's SMS sender: a number, a messaging service (MG…) or an alphanumeric id, e.g. kg=PhoneAuth; repeat per market "
                + "(PHONEAUTH_SMS_SENDERS, entries separated by ';')."))
    var smsSender: [String] = []
    @Option(help: "AWS region for SNS (PHONEAUTH_SNS_REGION).") var snsRegion: String?
    @Option(help: "AWS access key id (PHONEAUTH_SNS_ACCESS_KEY_ID).") var snsAccessKeyId: String?
    @Option(help: "AWS secret access key (PHONEAUTH_SNS_SECRET_ACCESS_KEY).") var snsSecretAccessKey: String?
    @Option(help: "SNS endpoint URL (PHONEAUTH_SNS_ENDPOINT, default https://sns.REGION.amazonaws.com/).") var snsEndpoint: String?
    @Option(help: "Deadline of one send attempt in seconds (PHONEAUTH_SMS_TIMEOUT, default 5).") var smsTimeout: Double?
    @Option(help: "Attempts per provider, 1 to 3 (PHONEAUTH_SMS_MAX_ATTEMPTS, default 3).") var smsMaxAttempts: Int?
    @Option(help: "Time one provider may take over all attempts, in seconds (PHONEAUTH_SMS_BUDGET, default 12).") var smsBudget: Double?
    @Option(help: "Provider calls in flight at once per instance, 1 to 1024 (PHONEAUTH_SMS_CONCURRENCY, default 16).")
    var smsConcurrency: Int?

    func apply(to config: inout AppConfig, environment: [String: String]) throws {
        let source = try SettingSource(environment: environment, credentialsFile: smsCredentialsFile)
        let list = source.value(sms, "PHONEAUTH_SMS") ?? "console"
        config.smsProviders = try list.split(separator: ",").map { name in
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard let kind = AppConfig.SMSProviderKind(rawValue: trimmed) else {
                throw ConfigError("--sms: unknown provider \"\(trimmed)\"; use console, webhook, twilio or sns")
            }
            return kind
        }
        let senders = smsSender.isEmpty ? (source.value(nil, "PHONEAUTH_SMS_SENDERS")?.split(separator: ";").map(String.init) ?? []) : smsSender
        config.smsSenders = try SMSSender.table(parsing: senders.map { $0.trimmingCharacters(in: .whitespaces) }, markets: config.markets)
        if let url = source.value(smsWebhookUrl, "PHONEAUTH_SMS_WEBHOOK_URL") {
            config.webhook = .init(url: url, secret: source.value(smsWebhookSecret, "PHONEAUTH_SMS_WEBHOOK_SECRET") ?? "")
        }
        if let sid = source.value(twilioAccountSid, "PHONEAUTH_TWILIO_ACCOUNT_SID") {
            config.twilio = .init(
                accountSID: sid, authToken: source.value(twilioAuthToken, "PHONEAUTH_TWILIO_AUTH_TOKEN") ?? "",
                from: source.value(twilioFrom, "PHONEAUTH_TWILIO_FROM"),
                messagingServiceSID: source.value(twilioMessagingServiceSid, "PHONEAUTH_TWILIO_MESSAGING_SERVICE_SID"),
                baseURL: source.value(twilioBaseUrl, "PHONEAUTH_TWILIO_BASE_URL") ?? "https://api.twilio.com"
            )
        }
        if let region = source.value(snsRegion, "PHONEAUTH_SNS_REGION") {
            config.sns = .init(
                region: region, accessKeyID: source.value(snsAccessKeyId, "PHONEAUTH_SNS_ACCESS_KEY_ID") ?? "",
                secretAccessKey: source.value(snsSecretAccessKey, "PHONEAUTH_SNS_SECRET_ACCESS_KEY") ?? "",
                endpoint: source.value(snsEndpoint, "PHONEAUTH_SNS_ENDPOINT")
            )
        }
        if let timeout = try source.seconds(smsTimeout, "PHONEAUTH_SMS_TIMEOUT", range: 0.1...60) { config.delivery.attemptTimeout = timeout }
        if let budget = try source.seconds(smsBudget, "PHONEAUTH_SMS_BUDGET", range: 0.1...120) { config.delivery.providerBudget = budget }
        if let attempts: Int = try source.number(smsMaxAttempts, "PHONEAUTH_SMS_MAX_ATTEMPTS") {
            guard (1...3).contains(attempts) else { throw ConfigError("--sms-max-attempts must be 1 to 3") }
            config.delivery.maxAttempts = attempts
        }
        if let concurrency: Int = try source.number(smsConcurrency, "PHONEAUTH_SMS_CONCURRENCY") {
            guard (1...1024).contains(concurrency) else { throw ConfigError("--sms-concurrency must be 1 to 1024") }
            config.delivery.concurrency = concurrency
        }
    }
}
