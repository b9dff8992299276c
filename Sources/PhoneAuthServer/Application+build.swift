import Foundation
import Hummingbird
import JWTKit
import Logging

/// What tests may swap: time, randomness, the SMS gateway and the database. Production uses the defaults.
struct AppDependencies: Sendable {
    var now: WallClock = { Date() }
    var random: any RandomSource = SystemRandomSource()
    /// nil: the gateway the configuration names.
    var smsGateway: (any SMSGateway)?
    /// nil: open `config.databasePath`.
    var database: AppDatabase?
    /// nil: the process-wide libcurl client.
    var curl: CurlClient?
    /// Counts tokens of older claims versions (tests read it).
    var claimsFallbacks = ClaimsFallbackCounter()
}

/// The one place the server is wired together. Tests call it too, so the server under test is the one that ships.
func buildApplication(_ config: AppConfig, dependencies: AppDependencies = .init()) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "phoneauth")
    logger.logLevel = config.logLevel
    for warning in config.startupWarnings { logger.warning("\(warning)") }
    let router = try await buildRouter(config, dependencies: dependencies)
    let (readTimeout, idleTimeout) = (config.readTimeout, config.idleTimeout)
    return Application(
        router: router,
        server: .http1(
            configuration: .init(additionalChannelHandlers: [ConnectionTimeoutHandler(readTimeout: readTimeout, idleTimeout: idleTimeout)])),
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "PhoneAuth"),
        logger: logger
    )
}

func buildRouter(_ config: AppConfig, dependencies: AppDependencies) async throws -> Router<AppRequestContext> {
    let database: AppDatabase
    if let injected = dependencies.database {
        database = injected
    } else {
        database = try await AppDatabase.open(path: config.databasePath)
    }
    let users = GRDBUserRepository(database: database)
    let now = dependencies.now
    // validate() has parsed the PEM once already.
    let es256 = try config.jwtES256.map { (kid: $0.kid, key: try ES256PrivateKey(pem: $0.privateKeyPEM)) }
    let tokens = await TokenService(
        keys: [JWTKeyEntry(kid: config.jwtKeyID, secret: config.jwtSecret)] + config.jwtPreviousKeys, es256: es256, issuer: config.issuer,
        audience: config.audience, lifetime: config.tokenLifetime,
        leeway: config.tokenLeeway, now: now
    )
    let sms = dependencies.smsGateway ?? SMSGatewayFactory.make(config, random: dependencies.random, client: dependencies.curl ?? .shared)
    let otp = OTPService(
        codes: GRDBVerificationRepository(database: database), sendLog: GRDBSendLogRepository(database: database), users: users,
        limits: config.limits, testNumbers: config.testNumbers, hasher: CodeHasher(pepper: config.pepper), sms: sms,
        texts: SMSTextCatalog(appName: config.appName), random: dependencies.random, lifetime: config.codeLifetime,
        maxAttempts: config.maxCodeAttempts, timing: SendTimingMask(), now: now
    )

    let router = Router(context: AppRequestContext.self)
    let catalog = RouteCatalog()
    // Order matters: the logger sees the final status, and every error below it gets our JSON shape.
    router.add(middleware: RequestLoggingMiddleware())
    router.add(middleware: ErrorMiddleware(routes: catalog))
    router.add(middleware: HeaderSizeMiddleware())
    let routes = RecordingRouter(router, catalog: catalog)

    HealthController(users: users).addRoutes(to: routes)
    routes.get(".well-known/jwks.json") { _, _ in tokens.jwks }

    let sessions = GRDBSessionRepository(database: database)
    let refreshTokens = RefreshTokens(pepper: config.pepper, random: dependencies.random)
    let auth = AuthController(
        otp: otp, tokens: tokens, refreshTokens: refreshTokens, refreshLifetime: config.refreshLifetime,
        refreshAbsoluteLifetime: config.refreshAbsoluteLifetime, idempotency: GRDBIdempotencyRepository(database: database),
        trustedProxies: config.limits.trustedProxies, ipv6PrefixLength: config.limits.ipv6PrefixLength, markets: config.markets,
        codeLifetime: config.codeLifetime, resendAfter: config.limits.resendCooldown, now: now
    )
    auth.addRoutes(to: routes.group("auth"))
    let sessionController = SessionController(
        tokens: tokens, refreshTokens: refreshTokens, sessions: sessions, refreshLifetime: config.refreshLifetime,
        graceWindow: config.refreshGrace, now: now)
    sessionController.addPublicRoutes(to: routes.group("auth"))

    let resolver = DatabaseCallerResolver(tokens: tokens, sessions: sessions, fallbacks: dependencies.claimsFallbacks, now: now)
    let authentication = AuthenticationMiddleware(resolver: resolver)
    sessionController.addAuthenticatedRoutes(to: routes.group("auth").add(middleware: authentication).group(context: AuthenticatedContext.self))

    let api = routes.group("api").add(middleware: authentication).group(context: AuthenticatedContext.self)
        .add(middleware: MarketGuardMiddleware())
    ProfileController(users: users, validator: ProfileValidator(languages: config.markets.languages), now: now).addRoutes(to: api)
    AddressController(
        addresses: GRDBAddressRepository(database: database), idempotency: GRDBIdempotencyRepository(database: database),
        markets: config.markets, limit: config.addressLimit, now: now)
        .addRoutes(to: api)
    MarketController(markets: config.markets).addRoutes(to: api)

    let adminRoutes = routes.group("admin").add(middleware: authentication).group(context: AuthenticatedContext.self)
    AdminController(admin: GRDBAdminRepository(database: database), markets: config.markets, now: now).addRoutes(to: adminRoutes)
    return router
}
