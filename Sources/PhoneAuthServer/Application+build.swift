import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import PhoneAuthCore
import PhoneAuthDelivery

/// What tests may swap: time, randomness, the SMS gateway and the storage. Production uses the defaults.
struct AppDependencies: Sendable {
    var now: WallClock = { Date() }
    var random: any RandomSource = SystemRandomSource()
    /// nil: the gateway the configuration names.
    var smsGateway: (any MessageGateway)?
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
    /// nil: webhooks go out over libcurl.
    var webhookTransport: (any WebhookTransport)?
}

/// The one place the server is wired together. Tests call it too, so the server under test is the one that ships.
func buildApplication(_ config: AppConfig, dependencies: AppDependencies = .init()) async throws -> some ApplicationProtocol {
    var logger = Logger(label: "phoneauth")
    logger.logLevel = config.logLevel
    for warning in config.startupWarnings { logger.warning("\(warning)") }
    let cache =
        config.authCacheTTL > .zero
        ? dependencies.authStateCache ?? AuthStateCache(ttl: config.authCacheTTL, capacity: config.authCacheCapacity) : nil
    let storage: Storage
    if let injected = dependencies.storage {
        storage = injected
    } else {
        storage = try await Storage.open(config.database, listen: config.databaseListen, logger: logger, cache: cache)
    }
    let services = try await AppServices(config, storage: storage, cache: cache, dependencies: dependencies)
    let (metrics, activity) = (services.metrics, services.activity)
    let router = try buildRouter(config, services: services, storage: storage, cache: cache, dependencies: dependencies)
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
                markets: config.markets, metrics: metrics, now: dependencies.now, logger: logger, accounts: services.accounts))
    }
    if let port = config.metricsPort {
        let metricsRouter = Router()
        MetricsController(metrics: metrics, cache: cache, signal: services.signal).addRoutes(to: metricsRouter)
        app.addServices(
            Application(
                router: metricsRouter, configuration: .init(address: .hostname(config.host, port: port), serverName: "PhoneAuth"),
                logger: logger))
    }
    app.addServices(ActivityFlusher(recorder: activity, interval: .seconds(5), logger: logger))
    app.addServices(services.revocations)
    app.addServices(
        WebhookDispatcher(
            webhooks: storage.webhooks, events: storage.events, users: storage.users,
            transport: dependencies.webhookTransport
                ?? CurlWebhookTransport(curl: dependencies.curl ?? .process(threads: config.delivery.concurrency)),
            policy: config.webhookRetry, metrics: metrics, now: dependencies.now, logger: Logger(label: "phoneauth.webhooks")))
    // The backend's services (PostgreSQL's pool) run first; no request is served before the schema is current.
    app.beforeServerStarts { _ = try await storage.migrate() }
    return app
}

/// The middleware, in order, and the controllers on their paths; every service comes built from `AppServices`.
func buildRouter(
    _ config: AppConfig, services: AppServices, storage: Storage, cache: AuthStateCache?, dependencies: AppDependencies
) throws
    -> Router<AppRequestContext>
{
    let (now, metrics, signal) = (dependencies.now, services.metrics, services.signal)
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
        routes.group(path).add(middleware: AuthenticationMiddleware(resolver: services.resolver)).group(context: AuthenticatedContext.self)
    }

    HealthController(ping: storage.ping, readiness: dependencies.readiness, metrics: metrics, signal: signal).addRoutes(to: routes)
    if config.metricsOnMainPort { MetricsController(metrics: metrics, cache: cache, signal: signal).addRoutes(to: routes) }
    routes.get(".well-known/jwks.json") { _, _ in services.tokens.jwks }
    OpenAPIController().addRoutes(to: routes)

    AuthController(
        codes: services.sender, sessions: services.sessions, callers: services.resolver, idempotency: storage.idempotency,
        clientNetwork: services.network,
        markets: config.markets, androidAppHashes: config.androidAppHashes, now: now
    ).addRoutes(to: routes.group("auth"))
    NetworkSignInController(silent: services.silent, sessions: services.sessions, clientNetwork: services.network, markets: config.markets)
        .addRoutes(to: routes.group("auth/network"))
    ReceiptController(
        deliveries: storage.deliveries,
        whatsapp: config.whatsappReceipts.map { WhatsAppReceipts(appSecret: $0.appSecret, verifyToken: $0.verifyToken) },
        telegram: config.telegram.map { TelegramReceipts(token: $0.token) },
        twilio: config.twilio.flatMap { twilio in config.receiptURL("twilio").map { TwilioReceipts(authToken: twilio.authToken, url: $0) } },
        network: services.network, failures: ReceiptController.throttle(), metrics: metrics, now: now
    ).addRoutes(to: routes.group("receipts"))
    let gate = ServiceClientGate(clients: config.introspectionClients, network: services.network, now: now)
    IntrospectionController(gate: gate, resolver: services.resolver).addRoutes(to: routes.group("auth"))
    RevocationController(
        gate: gate, events: storage.events, feed: services.revocations, replayWindow: (config.tokenLifetime + .seconds(300)).seconds, now: now
    ).addRoutes(to: routes.group("auth"))
    let sessionController = SessionController(service: services.sessions, sessions: storage.sessions, now: now)
    sessionController.addPublicRoutes(to: routes.group("auth"))
    sessionController.addAuthenticatedRoutes(to: authenticated("auth"))

    let api = authenticated("api").add(middleware: MarketGuardMiddleware())
    ProfileController(users: storage.users, validator: ProfileValidator(languages: config.markets.languages), now: now).addRoutes(to: api)
    AddressController(addresses: services.addresses, idempotency: storage.idempotency, markets: config.markets, limit: config.addressLimit, now: now)
        .addRoutes(to: api)
    MarketController(markets: config.markets).addRoutes(to: api)
    AccountController(
        accounts: services.accounts, changer: services.changer, clientNetwork: services.network, androidAppHashes: config.androidAppHashes
    ).addRoutes(to: api)

    // Every /admin route: the admin role, read from the database on each request.
    let admin = authenticated("admin").add(middleware: AdminOnlyMiddleware())
    let proxies = config.limits.trustedProxies
    AdminController(
        directory: services.directory, actions: services.actions, accounts: services.accounts, markets: config.markets, trustedProxies: proxies,
        now: now
    )
    .addRoutes(to: admin)
    RangeController(controls: services.actions.ranges, actions: services.actions, trustedProxies: proxies).addRoutes(to: admin)
    let webhooks = WebhookAdmin(webhooks: storage.webhooks, audit: storage.audit, random: dependencies.random, now: now)
    WebhookController(admin: webhooks, trustedProxies: proxies).addRoutes(to: admin)

    // HTML for people, not part of the JSON contract: on the router itself, so the contract's route list stays the API's.
    ConsoleController(
        session: ConsoleSession(
            resolver: services.resolver, sessions: services.sessions, random: dependencies.random, pepper: config.pepper, limits: config.console,
            tls: config.tls != nil, trustedProxies: proxies, now: now),
        renderer: try ConsoleRenderer(), codes: services.sender, sessions: services.sessions, actions: services.actions, webhooks: webhooks,
        accounts: services.accounts,
        directory: services.directory, activity: services.activity, markets: config.markets, prices: config.fraud.prices, trustedProxies: proxies,
        ipv6PrefixLength: config.limits.ipv6PrefixLength, now: now
    ).addRoutes(to: router.group("console"))
    return router
}
