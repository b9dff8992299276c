import ArgumentParser
import Foundation
import PhoneAuthCore
import PhoneAuthDelivery

/// Channels beside SMS: which markets send by which channels, in order, and each channel's provider. Tokens may also
/// come from the environment or the SMS credentials file.
struct ChannelOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "A market's channels in the order offered, e.g. kg=telegram,whatsapp,sms,voice; repeat per market (PHONEAUTH_CHANNELS, entries "
                + "separated by ';'; default sms everywhere)."))
    var channels: [String] = []
    @Option(
        help: ArgumentHelp(
            "A channel's own limits, e.g. voice=hour:100,day:500,phone-hour:2,phone-day:4 (any of the keys; N or off); repeat per channel "
                + "(PHONEAUTH_CHANNEL_LIMITS, entries separated by ';'; default voice=phone-hour:3,phone-day:5)."))
    var channelLimit: [String] = []
    @Option(help: "WhatsApp business phone number id (PHONEAUTH_WHATSAPP_PHONE_NUMBER_ID).") var whatsappPhoneNumberId: String?
    @Option(help: "WhatsApp Cloud API access token (PHONEAUTH_WHATSAPP_ACCESS_TOKEN).") var whatsappAccessToken: String?
    @Option(help: "WhatsApp authentication template name (PHONEAUTH_WHATSAPP_TEMPLATE).") var whatsappTemplate: String?
    @Option(help: "Graph API root (PHONEAUTH_WHATSAPP_BASE_URL, default https://graph.facebook.com/v21.0).") var whatsappBaseUrl: String?
    @Option(help: "Telegram Gateway API token (PHONEAUTH_TELEGRAM_TOKEN).") var telegramToken: String?
    @Option(help: "Telegram Gateway root (PHONEAUTH_TELEGRAM_BASE_URL, default https://gatewayapi.telegram.org).") var telegramBaseUrl: String?
    @Option(help: "Verified Telegram channel to send codes from (PHONEAUTH_TELEGRAM_SENDER).") var telegramSender: String?
    @Option(help: "Twilio number voice calls come from; the --twilio-* account places them (PHONEAUTH_VOICE_FROM).") var voiceFrom: String?
    @Option(help: "This server's public https URL; providers post receipts under {URL}/receipts/ (PHONEAUTH_PUBLIC_URL).") var publicUrl: String?
    @Option(help: "WhatsApp app secret that signs status webhooks (PHONEAUTH_WHATSAPP_APP_SECRET).") var whatsappAppSecret: String?
    @Option(help: "Token WhatsApp's webhook subscription check must present (PHONEAUTH_WHATSAPP_VERIFY_TOKEN).") var whatsappVerifyToken: String?
    @Option(help: "Seconds without a delivered receipt before another channel may be asked for at once (PHONEAUTH_DELIVERY_TIMEOUT, default 20).")
    var deliveryTimeout: Double?

    func apply(to config: inout AppConfig, environment: [String: String], credentialsFile: String?) throws {
        let source = try SettingSource(environment: environment, credentialsFile: credentialsFile)
        let entries = channels.isEmpty ? (source.value(nil, "PHONEAUTH_CHANNELS")?.split(separator: ";").map(String.init) ?? []) : channels
        config.channels = try ChannelPlan(parsing: entries.map { $0.trimmingCharacters(in: .whitespaces) })
        let limits =
            channelLimit.isEmpty ? (source.value(nil, "PHONEAUTH_CHANNEL_LIMITS")?.split(separator: ";").map(String.init) ?? []) : channelLimit
        config.channelLimits = try ChannelLimits(parsing: limits.map { $0.trimmingCharacters(in: .whitespaces) })
        if let id = source.value(whatsappPhoneNumberId, "PHONEAUTH_WHATSAPP_PHONE_NUMBER_ID") {
            config.whatsapp = .init(
                phoneNumberID: id, accessToken: source.value(whatsappAccessToken, "PHONEAUTH_WHATSAPP_ACCESS_TOKEN") ?? "",
                template: source.value(whatsappTemplate, "PHONEAUTH_WHATSAPP_TEMPLATE") ?? "",
                baseURL: source.value(whatsappBaseUrl, "PHONEAUTH_WHATSAPP_BASE_URL") ?? "https://graph.facebook.com/v21.0")
        }
        if let token = source.value(telegramToken, "PHONEAUTH_TELEGRAM_TOKEN") {
            config.telegram = .init(
                token: token, baseURL: source.value(telegramBaseUrl, "PHONEAUTH_TELEGRAM_BASE_URL") ?? "https://gatewayapi.telegram.org",
                senderUsername: source.value(telegramSender, "PHONEAUTH_TELEGRAM_SENDER"))
        }
        config.voiceFrom = source.value(voiceFrom, "PHONEAUTH_VOICE_FROM")
        config.publicURL = source.value(publicUrl, "PHONEAUTH_PUBLIC_URL")
        let appSecret = source.value(whatsappAppSecret, "PHONEAUTH_WHATSAPP_APP_SECRET")
        let verifyToken = source.value(whatsappVerifyToken, "PHONEAUTH_WHATSAPP_VERIFY_TOKEN")
        if appSecret != nil || verifyToken != nil {
            config.whatsappReceipts = .init(appSecret: appSecret ?? "", verifyToken: verifyToken ?? "")
        }
        if let timeout = try source.seconds(deliveryTimeout, "PHONEAUTH_DELIVERY_TIMEOUT", range: 1...3600) { config.deliveryTimeout = timeout }
    }
}
