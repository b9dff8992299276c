import ArgumentParser
import Foundation
import Logging
import PhoneAuthCore

/// The server's flags. Each falls back to a `PHONEAUTH_*` environment variable, then to a default.
struct ServeOptions: ParsableArguments {
    @Option(help: "Address to bind (PHONEAUTH_HOST, default 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (PHONEAUTH_PORT, default 8080).") var port: Int?
    @Option(help: "SQLite file, or postgres://user:password@host:5432/db (PHONEAUTH_DATABASE, default ./data/phoneauth.sqlite).")
    var database: String?
    @Option(help: "PostgreSQL connections per instance (PHONEAUTH_DATABASE_POOL_SIZE, default 10).") var databasePoolSize: Int?
    @Option(help: "Seconds to connect to PostgreSQL (PHONEAUTH_DATABASE_CONNECT_TIMEOUT, default 5).") var databaseConnectTimeout: Double?
    @Option(help: "Seconds one PostgreSQL statement may run (PHONEAUTH_DATABASE_STATEMENT_TIMEOUT, default 10).")
    var databaseStatementTimeout: Double?
    @Option(help: "PostgreSQL TLS: disable, prefer or require (PHONEAUTH_DATABASE_TLS, default prefer).") var databaseTls: String?
    @Option(help: "PostgreSQL itself (postgres://…) for the change listener, when --database is PgBouncer (PHONEAUTH_DATABASE_LISTEN_URL).")
    var databaseListenUrl: String?
    @Option(help: "development or production (PHONEAUTH_ENVIRONMENT, default development).") var environment: String?
    @Option(help: "HS256 secret, at least 32 bytes (PHONEAUTH_JWT_SECRET).") var jwtSecret: String?
    @Option(help: "HS256 keyring kid:secret,… with the signing key first (PHONEAUTH_JWT_KEYS); replaces --jwt-secret.") var jwtKeys: String?
    @Option(help: "JSON keyring file {\"keys\":[{\"kid\",\"secret\"}]} (PHONEAUTH_JWT_KEYS_FILE).") var jwtKeysFile: String?
    @Option(help: "PEM EC P-256 private key: sign ES256 and publish /.well-known/jwks.json (PHONEAUTH_JWT_ES256_KEY_FILE).")
    var jwtEs256KeyFile: String?
    @Option(help: "kid of the ES256 key (PHONEAUTH_JWT_ES256_KID, default es1).") var jwtEs256Kid: String?
    @Option(help: "ES256 keyring kid:pem-file,… with the signing key first, all published and accepted (PHONEAUTH_JWT_ES256_KEYS).")
    var jwtEs256Keys: String?
    @Option(help: "Code HMAC pepper, at least 32 bytes (PHONEAUTH_PEPPER).") var pepper: String?
    @Option(help: "Token issuer (PHONEAUTH_ISSUER, default phoneauth).") var issuer: String?
    @Option(help: "Token audience (PHONEAUTH_AUDIENCE, default phoneauth-api).") var audience: String?
    @Option(help: "App name in message texts, at most 20 characters (PHONEAUTH_APP_NAME, default PhoneAuth).") var appName: String?
    @Option(help: "Android SMS Retriever app hashes send-code may ask for, comma-separated (PHONEAUTH_ANDROID_APP_HASHES).")
    var androidAppHash: String?
    @Option(help: "JSON file of markets (PHONEAUTH_MARKETS_FILE, default: us and kg built in).") var marketsFile: String?
    @Option(help: "Code lifetime in seconds (PHONEAUTH_CODE_TTL, default 300).") var codeTtl: Int?
    @Option(help: "trace, debug, info, notice, warning, error or critical (PHONEAUTH_LOG_LEVEL, default info).") var logLevel: String?
    @Option(help: "text or json: one JSON object per line for log collectors (PHONEAUTH_LOG_FORMAT, default text).")
    var logFormat: String?
    @Option(help: "Seconds a started request may wait for its next part (PHONEAUTH_READ_TIMEOUT, default 10).") var readTimeout: Double?
    @Option(help: "Seconds a keep-alive connection may stay idle (PHONEAUTH_IDLE_TIMEOUT, default 60).") var idleTimeout: Double?
    @Option(help: "Seconds a request may take to arrive whole (PHONEAUTH_REQUEST_TIMEOUT, default 30).") var requestTimeout: Double?
    @Option(help: "Open connections per client address, trusted proxies exempt; 0: no cap (PHONEAUTH_MAX_CONNECTIONS_PER_ADDRESS, default 256).")
    var maxConnectionsPerAddress: Int?
    @Option(help: "Seconds between housekeeping passes; 0 turns them off (PHONEAUTH_CLEANUP_INTERVAL, default 600).")
    var cleanupInterval: Int?
    @Option(help: "Days an ended session stays listed before housekeeping removes it (PHONEAUTH_ENDED_SESSION_DAYS, default 30).")
    var endedSessionDays: Int?
    @Option(help: "Sliding refresh-token lifetime in days (PHONEAUTH_REFRESH_DAYS, default 30).") var refreshDays: Int?
    @Option(help: "Absolute session lifetime in days from sign-in (PHONEAUTH_SESSION_MAX_DAYS, default 90).") var sessionMaxDays: Int?
    @Option(help: "Seconds a caller's state may be served from memory, 0 for no cache (PHONEAUTH_AUTH_CACHE_TTL, default 300).")
    var authCacheTtl: Int?
    @Option(help: "Callers the auth-state cache holds at most (PHONEAUTH_AUTH_CACHE_SIZE, default 100000).") var authCacheSize: Int?
    @Option(help: "ID:SECRET of a service allowed to introspect tokens; repeatable (PHONEAUTH_INTROSPECTION_CLIENTS, comma-separated).")
    var introspectionClient: [String] = []
    @OptionGroup var smsOptions: SMSOptions
    @OptionGroup var channelOptions: ChannelOptions
    @OptionGroup var accountOptions: AccountOptions
    @OptionGroup var networkOptions: NetworkOptions
    @OptionGroup var webhookOptions: WebhookOptions
    @OptionGroup var limitOptions: LimitOptions
    @OptionGroup var fraudOptions: FraudOptions
    @OptionGroup var operationsOptions: OperationsOptions

    /// Builds the configuration; in development, missing secrets are generated and kept in the database's folder.
    func resolve(
        environment env: [String: String] = ProcessInfo.processInfo.environment, log: (String) -> Void = { _ in }
    ) throws
        -> AppConfig
    {
        let source = try SettingSource(environment: env)
        func value(_ flag: String?, _ name: String) -> String? { source.value(flag, name) }
        func number<T: LosslessStringConvertible>(_ flag: T?, _ name: String) throws -> T? { try source.number(flag, name) }

        let modeText = value(environment, "PHONEAUTH_ENVIRONMENT") ?? "development"
        guard let mode = AppConfig.Mode(rawValue: modeText) else {
            throw ConfigError("environment must be development or production, not \(modeText)")
        }
        if let path = source.filePath { try SecretFilePolicy.enforce(path, mode: mode, log: log) }
        let databaseSetting = try self.databaseSetting(source)
        let listenSetting = try self.listenSetting(source, database: databaseSetting)
        let dataFolder = databaseSetting.dataFolder

        /// The given secret; nil in development when none is given (one is generated once the rest is known to be valid).
        func secret(_ flag: String?, _ name: String) throws -> [UInt8]? {
            if let given = value(flag, name) { return Array(given.utf8) }
            guard mode == .development else { throw ConfigError("production needs \(name) (at least 32 bytes)") }
            return nil
        }
        func developmentSecret(_ file: String) throws -> [UInt8] {
            try SecretFilePolicy.enforce((dataFolder as NSString).appendingPathComponent(file), mode: mode, log: log)
            let stored = try DevelopmentSecret.loadOrCreate(folder: dataFolder, name: file)
            if stored.created { log("generated a development \(file) in \(dataFolder)/\(file) (mode 0600)") }
            return stored.bytes
        }

        var keyring: [JWTKeyEntry] = []
        if let list = value(jwtKeys, "PHONEAUTH_JWT_KEYS") {
            keyring = try JWTKeyEntry.parseList(list)
        } else if let path = value(jwtKeysFile, "PHONEAUTH_JWT_KEYS_FILE") {
            try SecretFilePolicy.enforce(path, mode: mode, log: log)
            keyring = try JWTKeyEntry.loadFile(path)
        }
        let givenJWTSecret = try keyring.first?.secret ?? secret(jwtSecret, "PHONEAUTH_JWT_SECRET")
        let givenPepper = try secret(pepper, "PHONEAUTH_PEPPER")
        // Stand-ins until the whole configuration has been checked; replaced below, never used.
        let standIn = [UInt8](repeating: 0, count: AppConfig.minimumSecretBytes)
        var config = AppConfig(jwtSecret: givenJWTSecret ?? standIn, pepper: givenPepper ?? standIn)
        var es256Files: [(kid: String, path: String)] = []
        if let list = value(jwtEs256Keys, "PHONEAUTH_JWT_ES256_KEYS") {
            es256Files = try list.split(separator: ",").map { entry in
                let parts = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                    throw ConfigError("--jwt-es256-keys takes kid:pem-file pairs separated by commas")
                }
                return (parts[0], parts[1])
            }
        } else if let path = value(jwtEs256KeyFile, "PHONEAUTH_JWT_ES256_KEY_FILE") {
            es256Files = [(value(jwtEs256Kid, "PHONEAUTH_JWT_ES256_KID") ?? "es1", path)]
        }
        config.jwtES256 = try es256Files.map { kid, path in
            try SecretFilePolicy.enforce(path, mode: mode, log: log)
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else { throw ConfigError("cannot read ES256 key file \(path)") }
            return .init(kid: kid, privateKeyPEM: pem)
        }
        if let signing = keyring.first {
            config.jwtKeyID = signing.kid
            config.jwtPreviousKeys = Array(keyring.dropFirst())
        }
        config.mode = mode
        config.database = databaseSetting
        config.databaseListen = listenSetting
        config.host = value(host, "PHONEAUTH_HOST") ?? config.host
        config.port = try number(port, "PHONEAUTH_PORT") ?? config.port
        config.issuer = value(issuer, "PHONEAUTH_ISSUER") ?? config.issuer
        config.audience = value(audience, "PHONEAUTH_AUDIENCE") ?? config.audience
        config.appName = value(appName, "PHONEAUTH_APP_NAME") ?? config.appName
        if let hashes = value(androidAppHash, "PHONEAUTH_ANDROID_APP_HASHES") {
            config.androidAppHashes = Set(hashes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        }
        if let ttl: Int = try number(codeTtl, "PHONEAUTH_CODE_TTL") {
            guard (30...3600).contains(ttl) else { throw ConfigError("the code lifetime must be 30 to 3600 seconds") }
            config.codeLifetime = .seconds(ttl)
        }
        if let path = value(marketsFile, "PHONEAUTH_MARKETS_FILE") {
            config.markets = try MarketCatalog.load(path: path)
        }
        if let levelText = value(logLevel, "PHONEAUTH_LOG_LEVEL") {
            guard let level = Logger.Level(rawValue: levelText) else { throw ConfigError("unknown log level \(levelText)") }
            config.logLevel = level
        }
        if let formatText = value(logFormat, "PHONEAUTH_LOG_FORMAT") {
            guard let format = LogFormat(rawValue: formatText) else { throw ConfigError("unknown log format \(formatText) (text or json)") }
            config.logFormat = format
        }
        if let seconds: Int = try number(cleanupInterval, "PHONEAUTH_CLEANUP_INTERVAL") {
            guard seconds == 0 || (10...86_400).contains(seconds) else {
                throw ConfigError("the cleanup interval must be 0 (off) or 10 to 86400 seconds")
            }
            config.cleanupInterval = .seconds(seconds)
        }
        if let days: Int = try number(endedSessionDays, "PHONEAUTH_ENDED_SESSION_DAYS") {
            guard (1...3650).contains(days) else { throw ConfigError("ended sessions must be kept 1 to 3650 days") }
            config.endedSessionRetention = .days(days)
        }
        if let days: Int = try number(refreshDays, "PHONEAUTH_REFRESH_DAYS") {
            guard (1...365).contains(days) else { throw ConfigError("the refresh lifetime must be 1 to 365 days") }
            config.refreshLifetime = .days(days)
        }
        if let days: Int = try number(sessionMaxDays, "PHONEAUTH_SESSION_MAX_DAYS") {
            guard (1...3650).contains(days) else { throw ConfigError("the session lifetime must be 1 to 3650 days") }
            config.refreshAbsoluteLifetime = .days(days)
        }
        config.readTimeout = try source.seconds(readTimeout, "PHONEAUTH_READ_TIMEOUT", range: 0.1...3600) ?? config.readTimeout
        config.idleTimeout = try source.seconds(idleTimeout, "PHONEAUTH_IDLE_TIMEOUT", range: 0.1...3600) ?? config.idleTimeout
        config.requestTimeout = try source.seconds(requestTimeout, "PHONEAUTH_REQUEST_TIMEOUT", range: 0.1...3600) ?? config.requestTimeout
        if let cap: Int = try source.number(maxConnectionsPerAddress, "PHONEAUTH_MAX_CONNECTIONS_PER_ADDRESS") {
            guard (0...1_000_000).contains(cap) else { throw ConfigError("--max-connections-per-address must be 0 to 1000000") }
            config.maxConnectionsPerAddress = cap
        }
        guard config.refreshAbsoluteLifetime >= config.refreshLifetime else {
            throw ConfigError("the session lifetime must not be shorter than the refresh lifetime")
        }
        let introspection =
            introspectionClient.isEmpty
            ? (source.value(nil, "PHONEAUTH_INTROSPECTION_CLIENTS").map { $0.split(separator: ",").map(String.init) } ?? [])
            : introspectionClient
        config.introspectionClients = try IntrospectionClients(parsing: introspection)
        if let ttl: Int = try number(authCacheTtl, "PHONEAUTH_AUTH_CACHE_TTL") {
            guard (0...86_400).contains(ttl) else { throw ConfigError("the auth cache TTL must be 0 to 86400 seconds") }
            config.authCacheTTL = .seconds(ttl)
        }
        if let size: Int = try number(authCacheSize, "PHONEAUTH_AUTH_CACHE_SIZE") {
            guard (1...10_000_000).contains(size) else { throw ConfigError("the auth cache size must be 1 to 10000000") }
            config.authCacheCapacity = size
        }
        try smsOptions.apply(to: &config, environment: env)
        try channelOptions.apply(to: &config, environment: env, credentialsFile: smsOptions.smsCredentialsFile)
        try limitOptions.apply(to: &config, source: source)
        try fraudOptions.apply(to: &config, source: source)
        try accountOptions.apply(to: &config, source: source)
        try networkOptions.apply(to: &config, source: source)
        try webhookOptions.apply(to: &config, source: source)
        try operationsOptions.apply(to: &config, source: source, log: log)
        try config.validate()
        // Only a configuration that will run gets development secrets written next to its database.
        if givenJWTSecret == nil { config.jwtSecret = try developmentSecret("jwt-secret") }
        if givenPepper == nil { config.pepper = try developmentSecret("pepper") }
        return config
    }

    /// The backend and, for PostgreSQL, its pool, timeouts and TLS mode.
    private func databaseSetting(_ source: SettingSource) throws -> DatabaseSetting {
        var setting = try DatabaseSetting(parsing: source.value(database, "PHONEAUTH_DATABASE") ?? DatabaseSetting.defaultPath)
        guard case .postgres(var postgres) = setting else { return setting }
        if let size: Int = try source.number(databasePoolSize, "PHONEAUTH_DATABASE_POOL_SIZE") {
            guard (1...500).contains(size) else { throw ConfigError("the database pool size must be 1 to 500") }
            postgres.poolSize = size
        }
        postgres.connectTimeout =
            try source.seconds(databaseConnectTimeout, "PHONEAUTH_DATABASE_CONNECT_TIMEOUT", range: 0.1...300) ?? postgres.connectTimeout
        postgres.statementTimeout =
            try source.seconds(databaseStatementTimeout, "PHONEAUTH_DATABASE_STATEMENT_TIMEOUT", range: 0.1...3600) ?? postgres.statementTimeout
        if let mode = source.value(databaseTls, "PHONEAUTH_DATABASE_TLS") {
            guard let parsed = PostgresSetting.TLSMode(rawValue: mode) else { throw ConfigError("--database-tls must be disable, prefer or require") }
            postgres.tls = parsed
        }
        setting = .postgres(postgres)
        return setting
    }

    /// A direct connection for LISTEN only: the database's user, timeouts and TLS mode unless its URL says otherwise.
    private func listenSetting(_ source: SettingSource, database: DatabaseSetting) throws -> PostgresSetting? {
        guard let text = source.value(databaseListenUrl, "PHONEAUTH_DATABASE_LISTEN_URL") else { return nil }
        guard case .postgres(let postgres) = database else {
            throw ConfigError("--database-listen-url needs a PostgreSQL --database (SQLite has no change listener)")
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw ConfigError("--database-listen-url must be a postgres:// URL")
        }
        var listen = try PostgresSetting(url: text)
        listen.connectTimeout = postgres.connectTimeout
        if !text.contains("sslmode=") { listen.tls = postgres.tls }
        return listen
    }
}
