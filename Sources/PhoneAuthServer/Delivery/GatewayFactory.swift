/// Builds each channel's providers, in failover order, behind one router.
import PhoneAuthCore
import PhoneAuthDelivery

enum GatewayFactory {
    static func make(_ config: AppConfig, random: any RandomSource, client: CurlClient = .shared, metrics: ServerMetrics? = nil)
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
            case .twilio: TwilioSMSProvider(config: config.twilio!, client: client)
            case .sns: SNSSMSProvider(config: config.sns!, client: client)
            }
        }
        var channels: [DeliveryChannel: any MessageGateway] = [.sms: dispatcher(sms)]
        for channel in config.channels.used(markets: config.markets.markets.map(\.code)) where channel != .sms {
            // validate() allows a channel without settings in development only: the console stands in.
            let provider: any MessageProvider =
                switch channel {
                case .whatsapp: config.whatsapp.map { WhatsAppCloudProvider(config: $0, client: client) } ?? ConsoleProvider(channel: channel)
                case .telegram: config.telegram.map { TelegramGatewayProvider(config: $0, client: client) } ?? ConsoleProvider(channel: channel)
                case .voice:
                    config.voiceFrom.map { TwilioVoiceProvider(config: .init(account: config.twilio!.account, from: $0), client: client) }
                        ?? ConsoleProvider(channel: channel)
                case .sms: ConsoleProvider()
                }
            channels[channel] = dispatcher([provider])
        }
        return ChannelRouter(channels: channels)
    }
}
