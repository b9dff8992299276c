import Foundation
import Logging

/// Everything the server needs to know, parsed and checked once at start-up and immutable after.
struct AppConfig: Sendable {
    enum Mode: String, Sendable, CaseIterable {
        case development, production
    }

    enum SMSProvider: String, Sendable, CaseIterable {
        case console, webhook
    }

    struct Webhook: Sendable, Equatable {
        var url: String
        var secret: String
        var connectTimeout: Duration = .seconds(2)
        var timeout: Duration = .seconds(5)
    }

    var host = "127.0.0.1"
    var port = 8080
    var databasePath = "./data/phoneauth.sqlite"
    var mode = Mode.development
    var smsProvider = SMSProvider.console
    var webhook: Webhook?
    /// HS256 key; at least 32 bytes.
    var jwtSecret: [UInt8]
    var issuer = "phoneauth"
    var audience = "phoneauth-api"
    /// Key of the HMAC that stores codes; at least 32 bytes.
    var pepper: [UInt8]
    var appName = "PhoneAuth"
    var markets = MarketCatalog.builtIn
    var codeLifetime: Duration = .seconds(300)
    var resendAfter: Duration = .seconds(60)
    var maxCodeAttempts = 5
    var tokenLifetime: Duration = .seconds(1800)
    var tokenLeeway: Duration = .seconds(30)
    var addressLimit = 20
    var maxBodyBytes = 16 * 1024
    var logLevel = Logger.Level.info

    static let minimumSecretBytes = 32

    /// Refuses settings that would be unsafe, so a misconfigured server never starts.
    func validate() throws {
        guard jwtSecret.count >= Self.minimumSecretBytes else {
            throw ConfigError("the JWT secret must be at least \(Self.minimumSecretBytes) bytes")
        }
        guard pepper.count >= Self.minimumSecretBytes else {
            throw ConfigError("the code pepper must be at least \(Self.minimumSecretBytes) bytes")
        }
        guard (1...65535).contains(port) else { throw ConfigError("port \(port) is out of range") }
        if mode == .production {
            guard smsProvider != .console else {
                throw ConfigError("the console SMS gateway prints codes and is refused in production; use --sms webhook")
            }
        }
        if smsProvider == .webhook {
            guard let webhook else { throw ConfigError("--sms webhook needs --sms-webhook-url and --sms-webhook-secret") }
            guard let url = URL(string: webhook.url), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConfigError("--sms-webhook-url must be an http(s) URL")
            }
            guard !webhook.secret.isEmpty else { throw ConfigError("--sms-webhook-secret must not be empty") }
        }
    }
}
