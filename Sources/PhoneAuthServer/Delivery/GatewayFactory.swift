/// Builds each channel's providers, in failover order, behind one router.
import PhoneAuthCore
import PhoneAuthDelivery

enum GatewayFactory {
    static func make(
        _ config: AppConfig, random: any RandomSource, client: CurlClient = .shared, metrics: ServerMetrics? = nil
    )
        -> any MessageGateway
    {
        func dispatcher(_ providers: [any MessageProvider]) -> any MessageGateway {
            FailoverDispatcher(providers: providers, policy: config.delivery, random: random, metrics: metrics)
        }
        // AppConfig.validate() has checked that each listed provider has its settings.
        let sms: [any MessageProvider] = config.smsProviders.map { kind in
            switch kind {
            case .console: ConsoleProvider()
            case .webhook: WebhookSMSProvider(url: config.webhook!.url, secret: config.webhook!.secret, client: client)
            case .twilio:
                TwilioSMSProvider(config: modified(config.twilio!) { $0.statusCallback = config.receiptURL("twilio") }, client: client)
            case .sns: SNSSMSProvider(config: config.sns!, client: client)
            }
        }
        var channels: [DeliveryChannel: any MessageGateway] = [.sms: dispatcher(sms)]
        for channel in config.channels.used(markets: config.markets.markets.map(\.code)) where channel != .sms {
            // validate() allows a channel without settings in development only: the console stands in.
            let provider: any MessageProvider =
                switch channel {
                case .whatsapp: config.whatsapp.map { WhatsAppCloudProvider(config: $0, client: client) } ?? ConsoleProvider(channel: channel)
                case .telegram:
                    config.telegram.map { telegram in
                        TelegramGatewayProvider(config: modified(telegram) { $0.callbackURL = config.receiptURL("telegram") }, client: client)
                    } ?? ConsoleProvider(channel: channel)
                case .voice:
                    config.voiceFrom.map { from in
                        TwilioVoiceProvider(
                            config: .init(account: config.twilio!.account, from: from, statusCallback: config.receiptURL("twilio")), client: client)
                    } ?? ConsoleProvider(channel: channel)
                case .sms: ConsoleProvider()
                }
            channels[channel] = dispatcher([provider])
        }
        return ChannelRouter(channels: channels)
    }

    private static func modified<Value>(_ value: Value, _ change: (inout Value) -> Void) -> Value {
        var value = value
        change(&value)
        return value
    }
}
