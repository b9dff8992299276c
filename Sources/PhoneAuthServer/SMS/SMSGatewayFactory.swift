/// Builds the configured providers, in failover order, behind one dispatcher.
import PhoneAuthCore
import PhoneAuthDelivery

enum SMSGatewayFactory {
    static func make(_ config: AppConfig, random: any RandomSource, client: CurlClient = .shared, metrics: ServerMetrics? = nil)
        -> any SMSGateway
    {
        let providers: [any SMSProvider] = config.smsProviders.map { kind in
            // AppConfig.validate() has checked that each listed provider has its settings.
            switch kind {
            case .console: ConsoleSMSProvider()
            case .webhook: WebhookSMSProvider(url: config.webhook!.url, secret: config.webhook!.secret, client: client)
            case .twilio: TwilioSMSProvider(config: config.twilio!, client: client)
            case .sns: SNSSMSProvider(config: config.sns!, client: client)
            }
        }
        return SMSDispatcher(providers: providers, policy: config.delivery, random: random, metrics: metrics)
    }
}
