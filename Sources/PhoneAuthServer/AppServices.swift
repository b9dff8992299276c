import Foundation
import JWTKit
import Logging
import PhoneAuthCore
import PhoneAuthDelivery
import PhoneAuthNetwork

/// Every service the routes use, built once from the configuration, the open storage and what tests swap
/// (`AppDependencies`): the one place a service's arguments are chosen. `buildRouter` only mounts them.
struct AppServices: Sendable {
    let tokens: TokenService
    var sender: CodeSender
    let sessions: SessionService
    /// A token to the caller's current state, through the auth-state cache when there is one.
    let resolver: any CallerResolver
    /// Through the cache when there is one (the address book's ETags are read on every edit).
    let addresses: any AddressRepository
    let directory: UserDirectory
    let actions: OperatorActions
    /// The caller's own account: delete, export.
    let accounts: AccountService
    /// Moving the caller's account to another number.
    let changer: PhoneChanger
    /// Signing in by the operator network's word instead of a text, where a market's operator offers it.
    let silent: SilentSignIn?
    let network: ClientNetwork
    let metrics: ServerMetrics
    let activity: ActivityRecorder
    /// Where other instances' changes arrive, when this one caches auth state.
    let signal: (any StorageChangeSignal)?
    /// Hands the event log to the revocation streams this instance serves (a service the application runs).
    let revocations: RevocationFeed

    init(_ config: AppConfig, storage: Storage, cache: AuthStateCache?, dependencies: AppDependencies) async throws {
        let (now, random) = (dependencies.now, dependencies.random)
        // validate() has parsed the PEM once already.
        let es256 = try config.jwtES256.map { (kid: $0.kid, key: try ES256PrivateKey(pem: $0.privateKeyPEM)) }
        tokens = await TokenService(
            keys: [JWTKeyEntry(kid: config.jwtKeyID, secret: config.jwtSecret)] + config.jwtPreviousKeys, es256: es256, issuer: config.issuer,
            audience: config.audience, lifetime: config.tokenLifetime, leeway: config.tokenLeeway, now: now)
        metrics = dependencies.metrics ?? ServerMetrics(backend: config.database.backendName)
        let channelRefusals: [AppError] = [.channelRateLimited, .channelBudgetExhausted]
        metrics.prepare(markets: config.markets.markets.map(\.code), limits: config.limits.refusalCodes + channelRefusals.map(\.code.rawValue))
        metrics.prepare(
            channels: config.channels.used(markets: config.markets.markets.map(\.code)).sorted(), markets: config.markets.markets.map(\.code))
        activity = dependencies.activity ?? ActivityRecorder(repository: storage.activity, now: now)
        let hasher = CodeHasher(pepper: config.pepper)
        sender = CodeSender(
            signIn: storage.signIn, limits: config.limits, testNumbers: config.testNumbers, hasher: hasher, lifetime: config.codeLifetime,
            gateway: dependencies.smsGateway
                ?? GatewayFactory.make(
                    config, random: random, client: dependencies.curl ?? .process(threads: config.delivery.concurrency), metrics: metrics),
            channels: config.channels, deliveries: storage.deliveries,
            fallback: ChannelFallback(cooldown: config.limits.resendCooldown, deliveryTimeout: config.deliveryTimeout),
            channelLimits: config.channelLimits, senders: config.smsSenders,
            texts: try MessageTexts(appName: config.appName), fraud: config.fraud,
            challenges: ChallengeGate(
                proofOfWork: ProofOfWork(pepper: config.pepper, random: random, now: now), challenges: storage.challenges,
                lifetime: config.fraud.challengeLifetime, metrics: metrics, activity: activity, now: now),
            timing: SendTimingMask(), metrics: metrics, activity: activity, random: random, now: now)
        if !config.network.operators.isEmpty {
            sender.networkChecks = try await Self.networkChecks(config, curl: dependencies.curl, metrics: metrics)
        }
        sessions = SessionService(
            codes: CodeRedeemer(
                signIn: storage.signIn, limits: config.limits, maxAttempts: config.maxCodeAttempts, hasher: hasher, testNumbers: config.testNumbers,
                markets: config.markets, metrics: metrics, activity: activity, digest: PhoneDigest(pepper: config.pepper), account: config.account,
                now: now),
            tokens: tokens, refreshTokens: RefreshTokens(pepper: config.pepper, random: random), sessions: storage.sessions,
            refreshLifetime: config.refreshLifetime, refreshAbsoluteLifetime: config.refreshAbsoluteLifetime, graceWindow: config.refreshGrace,
            now: now)
        let database = DatabaseStateSource(sessions: storage.sessions)
        let states: any CallerStateSource
        if let cache, let signal = storage.changeSignal {
            states = CachedStateSource(cache: cache, signal: signal, database: database, now: now)
            addresses = CachedAddressRepository(base: storage.addresses, cache: cache, signal: signal, now: now)
            self.signal = signal
        } else {
            (states, addresses, signal) = (database, storage.addresses, nil)
        }
        resolver = DatabaseCallerResolver(
            tokens: tokens, states: states, sessions: storage.sessions, fallbacks: dependencies.claimsFallbacks, metrics: metrics, now: now)
        directory = UserDirectory(users: storage.users, sessions: storage.sessions, addresses: storage.addresses, accounts: storage.accounts)
        actions = OperatorActions(storage: storage, markets: config.markets, policy: config.fraud.policy, now: now)
        accounts = AccountService(
            accounts: storage.accounts, addresses: storage.addresses, sessions: storage.sessions, audit: storage.audit, policy: config.account,
            digest: PhoneDigest(pepper: config.pepper), now: now)
        let sessions = sessions
        silent = sender.networkChecks.map {
            SilentSignIn(
                checks: $0, markets: config.markets, signIn: storage.signIn, sessions: sessions, pepper: config.pepper, random: random,
                networkLimit: config.limits.guessLimits(perVerification: config.maxCodeAttempts).perNetwork, now: now)
        }
        changer = PhoneChanger(
            sender: sender, accounts: storage.accounts, audit: storage.audit, markets: config.markets, limits: config.limits,
            maxAttempts: config.maxCodeAttempts, hasher: hasher, policy: config.account, digest: PhoneDigest(pepper: config.pepper), now: now)
        network = ClientNetwork(trustedProxies: config.limits.trustedProxies, ipv6PrefixLength: config.limits.ipv6PrefixLength)
        revocations = RevocationFeed(
            events: storage.events, signal: storage.eventSignal, readiness: dependencies.readiness, logger: Logger(label: "phoneauth.revocations"))
    }

    /// The operators of the markets that have one, their keys read now (a missing or bad key stops the start).
    static func networkChecks(_ config: AppConfig, curl: CurlClient?, metrics: ServerMetrics) async throws -> NetworkChecks {
        var operators: [String: NetworkChecks.Configured] = [:]
        for settings in config.network.operators {
            // The operator checks our assertions' times against its own clock: they carry the real time.
            let client = try await CamaraOperator(
                settings: settings, curl: curl ?? .process(threads: config.delivery.concurrency), now: { Date() },
                logger: Logger(label: "phoneauth.network"))
            operators[settings.market] = NetworkChecks.Configured(client: client, checks: settings.checks, redirectURI: settings.redirectURI)
        }
        return NetworkChecks(operators: operators, simSwap: config.network.simSwap, metrics: metrics)
    }
}
