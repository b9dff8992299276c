import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import JWTKit
import Logging

/// What tests may swap: time, randomness, the SMS gateway and the storage. Production uses the defaults.
struct AppDependencies: Sendable {
    var now: WallClock = { Date() }
    var random: any RandomSource = SystemRandomSource()
    /// nil: the gateway the configuration names.
    var smsGateway: (any SMSGateway)?
    /// nil: open `config.database`.
    var storage: Storage?
    /// nil: the process-wide libcurl client.
    var curl: CurlClient?
    /// Counts tokens of older claims versions (tests read it).
    var claimsFallbacks = ClaimsFallbackCounter()
    /// nil: a cache as the configuration says (tests pass one to read its counters).
    var authStateCache: AuthStateCache?
    /// nil: a registry of this server's own (tests pass one to read it).
    var metrics: ServerMetrics?
    /// Turned to draining by the shutdown gate `Serve` runs beside the application.
    var readiness = Readiness()
    /// nil: a catalog of the router's own (tests pass one to list the routes).
    var routeCatalog: RouteCatalog?
    /// nil: counters of the storage's own, written every few seconds (tests pass one to flush it).
    var activity: ActivityRecorder?
}

/// The one place the server is wired together. Tests call it too, so the server under test is the one that ships.
func buildApplication(_ config: AppConfig, dependencies: AppDependencies = .init()) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "phoneauth")
    logger.logLevel = config.logLevel
    for warning in config.startupWarnings { logger.warning("\(warning)") }
    let cache = config.authCacheTTL > .zero
        ? dependencies.authStateCache ?? AuthStateCache(ttl: config.authCacheTTL, capacity: config.authCacheCapacity) : nil
    let storage: Storage
    if let injected = dependencies.storage {
        storage = injected
    } else {
        storage = try await Storage.open(config.database, listen: config.databaseListen, logger: logger, cache: cache)
    }
    let metrics = dependencies.metrics ?? ServerMetrics(backend: config.database.backendName)
    var dependencies = dependencies
    dependencies.metrics = metrics
    let activity = dependencies.activity ?? ActivityRecorder(repository: storage.activity, now: dependencies.now)
    dependencies.activity = activity
    let router = try await buildRouter(config, storage: storage, cache: cache, dependencies: dependencies)
    let (readTimeout, requestTimeout, idleTimeout) = (config.readTimeout, config.requestTimeout, config.idleTimeout)
    let (perAddress, proxies, prefix) = (config.maxConnectionsPerAddress, config.limits.trustedProxies, config.limits.ipv6PrefixLength)
    let connections = ConnectionLimitHandler.Counts()
    // Made anew for every connection (an autoclosure): each handler holds that connection's state.
    let http1 = HTTPServerBuilder.http1(
        configuration: .init(
            additionalChannelHandlers: (perAddress > 0
                ? [ConnectionLimitHandler(counts: connections, limit: perAddress, exempt: proxies, ipv6PrefixLength: prefix)] : [])
                + [ConnectionTimeoutHandler(readTimeout: readTimeout, requestTimeout: requestTimeout, idleTimeout: idleTimeout)]))
    var app = Application(
        router: router,
        server: try config.tls.map { try .tls(http1, tlsConfiguration: $0.serverConfiguration) } ?? http1,
        configuration: .init(address: .hostname(config.host, port: config.port), serverName: "PhoneAuth"),
        services: storage.services,
        logger: logger
    )
    if config.cleanupInterval > .zero {
        app.addServices(
            Housekeeper(
                repository: storage.housekeeping, interval: config.cleanupInterval, endedSessions: config.endedSessionRetention.seconds,
                markets: config.markets, metrics: metrics, now: dependencies.now, logger: logger))
    }
    if let port = config.metricsPort {
        let metricsRouter = Router()
        MetricsController(metrics: metrics, cache: cache, signal: cache == nil ? nil : storage.changeSignal).addRoutes(to: metricsRouter)
        app.addServices(
            Application(router: metricsRouter, configuration: .init(address: .hostname(config.host, port: port), serverName: "PhoneAuth"),
                        logger: logger))
    }
    app.addServices(ActivityFlusher(recorder: activity, interval: .seconds(5), logger: logger))
    // The backend's services (PostgreSQL's pool) run first; no request is served before the schema is current.
    app.beforeServerStarts { try await storage.migrate() }
    return app
}

func buildRouter(_ config: AppConfig, storage: Storage, cache: AuthStateCache?, dependencies: AppDependencies) async throws
    -> Router<AppRequestContext>
{
    let now = dependencies.now
    // validate() has parsed the PEM once already.
    let es256 = try config.jwtES256.map { (kid: $0.kid, key: try ES256PrivateKey(pem: $0.privateKeyPEM)) }
    let tokens = await TokenService(
        keys: [JWTKeyEntry(kid: config.jwtKeyID, secret: config.jwtSecret)] + config.jwtPreviousKeys, es256: es256, issuer: config.issuer,
        audience: config.audience, lifetime: config.tokenLifetime, leeway: config.tokenLeeway, now: now
    )
    let metrics = dependencies.metrics ?? ServerMetrics(backend: config.database.backendName)
    let activity = dependencies.activity ?? ActivityRecorder(repository: storage.activity, now: now)
    let sms = dependencies.smsGateway
        ?? SMSGatewayFactory.make(config, random: dependencies.random, client: dependencies.curl ?? .shared, metrics: metrics)
    let otp = OTPService(
        signIn: storage.signIn, limits: config.limits, testNumbers: config.testNumbers,
        hasher: CodeHasher(pepper: config.pepper), sms: sms, texts: SMSTextCatalog(appName: config.appName), random: dependencies.random,
        lifetime: config.codeLifetime, maxAttempts: config.maxCodeAttempts, timing: SendTimingMask(), metrics: metrics, fraud: config.fraud,
        proofOfWork: ProofOfWork(pepper: config.pepper, random: dependencies.random, now: now), challenges: storage.challenges,
        activity: activity, now: now
    )
    let sessions = SessionService(
        otp: otp, tokens: tokens, refreshTokens: RefreshTokens(pepper: config.pepper, random: dependencies.random), sessions: storage.sessions,
        markets: config.markets, refreshLifetime: config.refreshLifetime, refreshAbsoluteLifetime: config.refreshAbsoluteLifetime,
        graceWindow: config.refreshGrace, now: now)
    let database = DatabaseStateSource(sessions: storage.sessions)
    let (states, addresses): (any CallerStateSource, any AddressRepository) =
        if let cache, let signal = storage.changeSignal {
            (CachedStateSource(cache: cache, signal: signal, database: database, now: now),
             CachedAddressRepository(base: storage.addresses, cache: cache, signal: signal, now: now))
        } else {
            (database, storage.addresses)
        }
    let resolver = DatabaseCallerResolver(
        tokens: tokens, states: states, sessions: storage.sessions, fallbacks: dependencies.claimsFallbacks, metrics: metrics, now: now)

    let router = Router(context: AppRequestContext.self)
    let catalog = dependencies.routeCatalog ?? RouteCatalog()
    // Order matters: the logger sees the final status, and every error below it gets our JSON shape.
    router.add(middleware: RequestLoggingMiddleware())
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: ErrorMiddleware(routes: catalog, metrics: metrics))
    router.add(middleware: HeaderSizeMiddleware())
    let routes = RecordingRouter(router, catalog: catalog)
    /// Routes behind a bearer token, with the caller's current state in a non-optional context.
    func authenticated(_ path: RouterPath) -> RouterGroup<AuthenticatedContext> {
        routes.group(path).add(middleware: AuthenticationMiddleware(resolver: resolver)).group(context: AuthenticatedContext.self)
    }

    let signal = cache == nil ? nil : storage.changeSignal
    HealthController(ping: storage.ping, readiness: dependencies.readiness, metrics: metrics, signal: signal).addRoutes(to: routes)
    if config.metricsOnMainPort { MetricsController(metrics: metrics, cache: cache, signal: signal).addRoutes(to: routes) }
    routes.get(".well-known/jwks.json") { _, _ in tokens.jwks }
    OpenAPIController().addRoutes(to: routes)

    let network = ClientNetwork(trustedProxies: config.limits.trustedProxies, ipv6PrefixLength: config.limits.ipv6PrefixLength)
    AuthController(
        otp: otp, sessions: sessions, idempotency: storage.idempotency, clientNetwork: network, markets: config.markets,
        codeLifetime: config.codeLifetime, resendAfter: config.limits.resendCooldown, now: now
    ).addRoutes(to: routes.group("auth"))
    IntrospectionController(
        clients: config.introspectionClients, resolver: resolver, network: network, failures: IntrospectionController.throttle(), now: now
    ).addRoutes(to: routes.group("auth"))
    let sessionController = SessionController(service: sessions, sessions: storage.sessions, now: now)
    sessionController.addPublicRoutes(to: routes.group("auth"))
    sessionController.addAuthenticatedRoutes(to: authenticated("auth"))

    let api = authenticated("api").add(middleware: MarketGuardMiddleware())
    ProfileController(users: storage.users, validator: ProfileValidator(languages: config.markets.languages), now: now).addRoutes(to: api)
    AddressController(addresses: addresses, idempotency: storage.idempotency, markets: config.markets, limit: config.addressLimit, now: now)
        .addRoutes(to: api)
    MarketController(markets: config.markets).addRoutes(to: api)

    // Every /admin route: the admin role, read from the database on each request.
    let admin = authenticated("admin").add(middleware: AdminOnlyMiddleware())
    let actions = OperatorActions(storage: storage, markets: config.markets, policy: config.fraud.policy, now: now)
    let proxies = config.limits.trustedProxies
    AdminController(users: storage.users, sessions: storage.sessions, actions: actions, markets: config.markets, trustedProxies: proxies, now: now)
        .addRoutes(to: admin)
    RangeController(controls: actions.ranges, actions: actions, trustedProxies: proxies).addRoutes(to: admin)

    // HTML for people, not part of the JSON contract: on the router itself, so the contract's route list stays the API's.
    ConsoleController(
        session: ConsoleSession(
            resolver: resolver, sessions: sessions, random: dependencies.random, pepper: config.pepper, limits: config.console,
            tls: config.tls != nil, trustedProxies: proxies, now: now),
        renderer: try ConsoleRenderer(), otp: otp, sessions: sessions, actions: actions, storage: storage, activity: activity,
        markets: config.markets, prices: config.fraud.prices, trustedProxies: proxies, ipv6PrefixLength: config.limits.ipv6PrefixLength, now: now
    ).addRoutes(to: router.group("console"))
    return router
}
