import Foundation
import JWTKit
import Logging
import PhoneAuthCore
import PhoneAuthDelivery

/// Everything the server needs to know, parsed and checked once at start-up and immutable after.
struct AppConfig: Sendable {
    enum Mode: String, Sendable, CaseIterable {
        case development, production
    }

    enum SMSProviderKind: String, Sendable, CaseIterable {
        case console, webhook, twilio, sns
    }

    struct Webhook: Sendable, Equatable {
        var url: String
        var secret: String
    }

    var host = "127.0.0.1"
    var port = 8080
    var database = DatabaseSetting.sqlite(path: DatabaseSetting.defaultPath)
    /// Where PostgreSQL's change listener connects, when not to `database` (which may be PgBouncer).
    var databaseListen: PostgresSetting?
    var mode = Mode.development
    /// Tried in order: the next one takes over when one fails for good.
    var smsProviders: [SMSProviderKind] = [.console]
    var webhook: Webhook?
    var twilio: TwilioSMSProvider.Config?
    var sns: SNSSMSProvider.Config?
    /// Who texts come from, by market (`kg=PhoneAuth`, `us=MG…`); others get the provider's default.
    var smsSenders: [String: SMSSender] = [:]
    /// Which channels each market sends codes by, in order; SMS only by default.
    var channels = ChannelPlan()
    /// Number quarantine and the step-up window of account deletion.
    var account = AccountPolicy()
    /// The mobile operators asked for network checks, by market, and the SIM-swap policy.
    var network = NetworkConfig()
    /// How failed webhook deliveries are retried, and for how long.
    var webhookRetry = WebhookRetryPolicy()
    /// Each channel's own budgets and per-phone limits (voice limited per phone by default).
    var channelLimits = ChannelLimits.defaults
    var whatsapp: WhatsAppCloudProvider.Config?
    var telegram: TelegramGatewayProvider.Config?
    /// The Twilio number voice calls come from (the `twilio` account places them).
    var voiceFrom: String?
    /// This server's public https URL, as providers reach it: receipts are asked for at `{publicURL}/receipts/…`.
    var publicURL: String?
    /// WhatsApp's webhook: the app secret its signatures are keyed with, and the token its subscription check echoes.
    var whatsappReceipts: WhatsAppWebhook?
    /// A code not reported delivered within this lets the next channel go at once.
    var deliveryTimeout: Duration = .seconds(20)

    struct WhatsAppWebhook: Sendable, Equatable {
        var appSecret: String
        var verifyToken: String
    }

    /// Where a provider's receipts are posted, when a public URL is configured.
    func receiptURL(_ provider: String) -> String? {
        publicURL.map { $0 + "/receipts/" + provider }
    }
    var delivery = DeliveryPolicy()
    var limits = SendLimits()
    var fraud = FraudSettings()
    var testNumbers = TestNumberBook()
    var allowTestNumbersInProduction = false
    /// The HS256 key new tokens are signed with (`kid` = `jwtKeyID`); at least 32 bytes.
    var jwtSecret: [UInt8]
    var jwtKeyID = "k1"
    /// Retired keys, still accepted until their tokens expire; drop one to reject its tokens.
    var jwtPreviousKeys: [JWTKeyEntry] = []
    /// The ES256 keyring: when not empty, new tokens are signed ES256 with the first key; every key is published at
    /// /.well-known/jwks.json and accepted (a key about to sign, published ahead, and a retired one until its tokens expire).
    var jwtES256: [ES256Setting] = []

    struct ES256Setting: Sendable, Equatable {
        var kid: String
        var privateKeyPEM: String
    }
    var issuer = "phoneauth"
    var audience = "phoneauth-api"
    /// Key of the HMAC that stores codes; at least 32 bytes.
    var pepper: [UInt8]
    var appName = "PhoneAuth"
    /// Android apps' SMS Retriever hashes a send-code may ask for (`app_hash`), one per app build and signing key.
    var androidAppHashes: Set<String> = []
    var markets = MarketCatalog.builtIn
    var codeLifetime: Duration = .seconds(300)
    var maxCodeAttempts = 5
    var tokenLifetime: Duration = .seconds(1800)
    var tokenLeeway: Duration = .seconds(30)
    /// Refresh tokens: each refresh extends the session by `refreshLifetime`, never past `refreshAbsoluteLifetime`
    /// from sign-in; a retired token presented again within `refreshGrace` gets the same new pair.
    var refreshLifetime: Duration = .days(30)
    var refreshAbsoluteLifetime: Duration = .days(90)
    var refreshGrace: Duration = .seconds(10)
    var addressLimit = 20
    /// How long a caller's state may be served from memory (every database change empties it sooner); zero: no cache.
    var authCacheTTL: Duration = .seconds(300)
    /// Housekeeping: a pass every `cleanupInterval` (zero: never); ended sessions are kept `endedSessionRetention`.
    var cleanupInterval: Duration = .seconds(600)
    var endedSessionRetention: Duration = .days(30)
    var authCacheCapacity = 100_000
    /// Services allowed to call `POST /auth/introspect`; none by default (the endpoint then refuses everyone).
    var introspectionClients = IntrospectionClients()
    var logLevel = Logger.Level.info
    var logFormat = LogFormat.text
    /// A request whose next part takes longer than this to arrive is dropped.
    var readTimeout: Duration = .seconds(10)
    /// A keep-alive connection idle for this long between requests is closed.
    var idleTimeout: Duration = .seconds(60)
    /// A request must be read whole within this of its head, however its bytes trickle in.
    var requestTimeout: Duration = .seconds(30)
    /// Open connections one client network may hold (trusted proxies exempt); 0: no cap.
    var maxConnectionsPerAddress = 256
    /// Where `/metrics` is served: this port, and the main one only when `metricsOnMainPort`. By default nowhere: it
    /// shows codes sent per market, challenges and blocks, which a pumping bot would tune itself against.
    var metricsPort: Int?
    var metricsOnMainPort = false
    /// How long an operator's console sign-in lasts without a page, and at most.
    var console = ConsoleSessionLimits()
    /// On SIGTERM or SIGINT: `/health/ready` answers 503 for `shutdownDelay` while the listener still accepts (so a
    /// load balancer stops sending), then the listener closes and requests in flight get `drainTimeout` to finish.
    var shutdownDelay: Duration = .zero
    var drainTimeout: Duration = .seconds(30)
    /// nil: plain HTTP (behind a TLS-terminating proxy).
    var tls: TLSFiles?

    static let minimumSecretBytes = JWTKeyEntry.minimumSecretBytes

    /// Refuses settings that would be unsafe, so a misconfigured server never starts.
    func validate() throws {
        for key in [JWTKeyEntry(kid: jwtKeyID, secret: jwtSecret)] + jwtPreviousKeys {
            guard key.secret.count >= Self.minimumSecretBytes else {
                throw ConfigError("the JWT secret \(key.kid) must be at least \(Self.minimumSecretBytes) bytes")
            }
        }
        for es256 in jwtES256 {
            guard (try? ES256PrivateKey(pem: es256.privateKeyPEM)) != nil else {
                throw ConfigError("the ES256 key \(es256.kid) is not a PEM EC P-256 private key")
            }
        }
        let kids = jwtPreviousKeys.map(\.kid) + [jwtKeyID] + jwtES256.map(\.kid)
        guard Set(kids).count == kids.count else {
            throw ConfigError("JWT key ids must be distinct")
        }
        guard pepper.count >= Self.minimumSecretBytes else {
            throw ConfigError("the code pepper must be at least \(Self.minimumSecretBytes) bytes")
        }
        for entry in network.operators {
            guard markets.market(code: entry.market) != nil else { throw ConfigError("network operator for \(entry.market): no such market") }
        }
        guard Set(network.operators.map(\.market)).count == network.operators.count else {
            throw ConfigError("the operators file names a market twice")
        }
        let texts = try MessageTexts(appName: appName)
        for market in markets.markets {
            guard let domain = market.otpDomain else { continue }
            guard Autofill.isValidDomain(domain) else {
                throw ConfigError("market \(market.code): otp_domain \"\(domain)\" is not a lower-case host name such as app.example.com")
            }
            try texts.check(.originBound(domain: domain), market: market.code)
        }
        for hash in androidAppHashes where !Autofill.isValidAppHash(hash) {
            throw ConfigError("--android-app-hash \"\(hash)\" is not 11 characters of base64 (Google's AppSignatureHelper prints it)")
        }
        guard (1...65535).contains(port) else { throw ConfigError("port \(port) is out of range") }
        guard !smsProviders.isEmpty else { throw ConfigError("--sms names no provider") }
        guard Set(smsProviders).count == smsProviders.count else { throw ConfigError("--sms names a provider twice") }
        if mode == .production, smsProviders.contains(.console) {
            throw ConfigError("the console SMS gateway prints codes and is refused in production; use twilio, sns or webhook")
        }
        for provider in smsProviders {
            try validate(provider)
        }
        try validateChannels()
        if mode == .production, !testNumbers.entries.isEmpty, !allowTestNumbersInProduction {
            throw ConfigError("test numbers are refused in production unless --allow-test-numbers-in-production is given")
        }
    }

    /// What start-up logs as a warning: settings that are allowed but an operator should know are on.
    var startupWarnings: [String] {
        var warnings: [String] = []
        for channel in channels.used(markets: markets.markets.map(\.code)).sorted() where providerMissing(channel) {
            warnings.append("\(channel.rawValue) has no provider settings: its codes are printed to standard error (development only)")
        }
        if mode == .production, !testNumbers.entries.isEmpty {
            warnings.append("\(testNumbers.entries.count) test number(s) with fixed codes are enabled in production")
        }
        return warnings
    }

    private func validate(_ provider: SMSProviderKind) throws {
        switch provider {
        case .console:
            break
        case .webhook:
            guard let webhook else { throw ConfigError("--sms webhook needs --sms-webhook-url and --sms-webhook-secret") }
            try Self.checkURL(webhook.url, flag: "--sms-webhook-url")
            guard !webhook.secret.isEmpty else { throw ConfigError("--sms-webhook-secret must not be empty") }
        case .twilio:
            guard let twilio, !twilio.accountSID.isEmpty, !twilio.authToken.isEmpty else {
                throw ConfigError("--sms twilio needs --twilio-account-sid and --twilio-auth-token")
            }
            guard (twilio.from == nil) != (twilio.messagingServiceSID == nil) else {
                throw ConfigError("--sms twilio needs exactly one of --twilio-from and --twilio-messaging-service-sid")
            }
            try Self.checkURL(twilio.baseURL, flag: "--twilio-base-url")
        case .sns:
            guard let sns, !sns.region.isEmpty, !sns.accessKeyID.isEmpty, !sns.secretAccessKey.isEmpty else {
                throw ConfigError("--sms sns needs --sns-region, --sns-access-key-id and --sns-secret-access-key")
            }
            try Self.checkURL(sns.url, flag: "--sns-endpoint")
        }
    }

    /// Every channel a market offers has its provider; in development the console stands in for one without settings.
    private func validateChannels() throws {
        for market in channels.byMarket.keys where markets.market(code: market) == nil {
            throw ConfigError("--channels names market \(market), which is not configured")
        }
        let used = channels.used(markets: markets.markets.map(\.code))
        for channel in used.sorted() where providerMissing(channel) {
            guard mode == .development else {
                throw ConfigError("--channels offers \(channel.rawValue), which needs \(Self.settings(of: channel))")
            }
        }
        if let whatsapp {
            guard !whatsapp.accessToken.isEmpty, !whatsapp.template.isEmpty else {
                throw ConfigError("WhatsApp needs --whatsapp-access-token and --whatsapp-template beside --whatsapp-phone-number-id")
            }
            try Self.checkURL(whatsapp.baseURL, flag: "--whatsapp-base-url")
        }
        if let telegram {
            guard !telegram.token.isEmpty else { throw ConfigError("--telegram-token must not be empty") }
            try Self.checkURL(telegram.baseURL, flag: "--telegram-base-url")
        }
        if let publicURL {
            guard URL(string: publicURL)?.scheme == "https" || mode == .development, !publicURL.hasSuffix("/") else {
                throw ConfigError("--public-url must be this server's https URL without a trailing slash, e.g. https://auth.example.com")
            }
            try Self.checkURL(publicURL, flag: "--public-url")
        }
        if let whatsappReceipts, whatsappReceipts.appSecret.isEmpty || whatsappReceipts.verifyToken.isEmpty {
            throw ConfigError("WhatsApp receipts need both --whatsapp-app-secret and --whatsapp-verify-token")
        }
        if voiceFrom != nil, twilio == nil || twilio?.accountSID.isEmpty == true || twilio?.authToken.isEmpty == true {
            throw ConfigError("--voice-from places calls with the Twilio account: give --twilio-account-sid and --twilio-auth-token")
        }
    }

    /// Whether `channel` lacks the settings of its provider (the console then stands in, in development only).
    func providerMissing(_ channel: DeliveryChannel) -> Bool {
        switch channel {
        case .sms: false
        case .whatsapp: whatsapp == nil
        case .telegram: telegram == nil
        case .voice: voiceFrom == nil
        }
    }

    private static func settings(of channel: DeliveryChannel) -> String {
        switch channel {
        case .sms: "--sms"
        case .whatsapp: "--whatsapp-phone-number-id, --whatsapp-access-token and --whatsapp-template"
        case .telegram: "--telegram-token"
        case .voice: "--voice-from and the --twilio-* account"
        }
    }

    private static func checkURL(_ text: String, flag: String) throws {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
            throw ConfigError("\(flag) must be an http(s) URL")
        }
    }
}
