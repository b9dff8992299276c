import Crypto
import Foundation
import Logging

/// Signing in without a text, by the operator's Number Verification: the device follows the operator's authorize
/// address over mobile data, the operator sends it back with a code, and the server trades the code for the operator's
/// word that the device uses the number. A flow is started for a number (`start`), used once, within five minutes, and
/// only by the client holding the verifier of the challenge it started with; its PKCE pair with the operator is the
/// server's, derived from the pepper and the flow's id, so it is stored nowhere. Starting costs no operator call (so
/// nobody can run up the operator's bill by starting flows); a finish is refused while its network has had too many
/// failures (its failed finishes count as wrong codes do, against no number). A number the network confirms is asked
/// the SIM-swap and recycling questions a send would, then signs in exactly as a right code does
/// (`SessionService.signInProven`): bans, quarantine, dormancy and the SIM-swap gate alike. Anything else is the
/// client's cue to send a code instead.
package struct SilentSignIn: Sendable {
    package let checks: NetworkChecks
    package let markets: MarketCatalog
    package let signIn: any SignInRepository
    package let sessions: SessionService
    package let pepper: SymmetricKey
    package let random: any RandomSource
    package let lifetime: Duration
    package let maxLivePerPhone: Int
    /// The per-network bound on failures that verify-code applies (`SendLimits.guessLimits`).
    package let networkLimit: FailureLimit?
    package let now: WallClock

    package init(
        checks: NetworkChecks, markets: MarketCatalog, signIn: any SignInRepository, sessions: SessionService, pepper: [UInt8],
        random: any RandomSource,
        networkLimit: FailureLimit?, lifetime: Duration = .seconds(300), maxLivePerPhone: Int = 3, now: @escaping WallClock
    ) {
        self.networkLimit = networkLimit
        (self.checks, self.markets, self.signIn, self.sessions, self.random, self.now) = (checks, markets, signIn, sessions, random, now)
        self.pepper = SymmetricKey(data: pepper)
        (self.lifetime, self.maxLivePerPhone) = (lifetime, maxLivePerPhone)
    }

    package enum Started: Sendable, Equatable {
        /// Follow `url` over mobile data; finish with `flowID`.
        case flow(flowID: String, url: String, expiresIn: Int)
        /// Send a code instead: `no_operator`, `operator_unavailable`, `too_many_flows` (the number has 3 under way:
        /// a stranger starting flows for it cannot keep its owner from signing in, only send them to a code).
        case fallback(reason: String)
    }

    /// Whether the number's market can sign in silently at all.
    package func offers(_ market: Market) -> Bool { checks.client(market.code, for: .numberVerification) != nil }

    package func start(phone: PhoneNumber, market: Market, clientChallenge: String, logger: Logger) async throws -> Started {
        guard let client = checks.client(market.code, for: .numberVerification) else { return .fallback(reason: "no_operator") }
        let issuedAt = now()
        let flowID = "n" + random.bytes(18).base64URL
        let state = random.bytes(18).base64URL
        let flow = NetworkFlow(
            idHash: Self.hash(flowID), phoneNumber: phone.e164, state: state, clientChallenge: clientChallenge,
            expiresAt: issuedAt.addingTimeInterval(lifetime.seconds), createdAt: issuedAt)
        guard try await signIn.startFlow(flow, maxLivePerPhone: maxLivePerPhone, now: issuedAt) else { return .fallback(reason: "too_many_flows") }
        let url: String
        do {
            url = try await client.authorizationURL(
                SilentAuthorization(
                    phone: phone.e164, state: state, nonce: random.bytes(18).base64URL, codeChallenge: Self.challenge(of: serverVerifier(flowID))))
        } catch {
            let failure = error as? NetworkCheckError ?? .unavailable("\(error)")
            checks.count(.failure(failure), check: .numberVerification, market: market.code, yes: "verified", no: "mismatch", logger: logger)
            return .fallback(reason: "operator_unavailable")
        }
        return .flow(flowID: flowID, url: url, expiresIn: Int(lifetime.seconds))
    }

    /// The flow's one try: its state and the client's verifier must match, then the operator's answer decides.
    package func verify(
        flowID: String, code: String, state: String, codeVerifier: String, network: String, userAgent: String?, ip: String, logger: Logger
    ) async throws -> SessionService.Grant {
        let flow: NetworkFlow
        let lastSignIn: Date?
        switch try await signIn.takeFlow(idHash: Self.hash(flowID), network: network, limit: networkLimit, now: now()) {
        case .flow(let taken, let accountLastSignIn): (flow, lastSignIn) = (taken, accountLastSignIn)
        case .networkRateLimited(let wait): throw AppError.networkRateLimited.retrying(after: wait)
        case .none: throw try await failed(network)
        }
        let market = (try? PhoneNumber(parsing: flow.phoneNumber)).flatMap { try? markets.market(for: $0) }?.code ?? "unknown"
        guard Self.same(flow.state, state), Self.same(flow.clientChallenge, Self.challenge(of: codeVerifier)),
            let client = checks.client(market, for: .numberVerification)
        else { throw try await failed(network) }
        let outcome: Result<Bool, NetworkCheckError>
        do { outcome = .success(try await client.verifyDevice(phone: flow.phoneNumber, code: code, codeVerifier: serverVerifier(flowID))) } catch {
            outcome = .failure(error as? NetworkCheckError ?? .unavailable("\(error)"))
        }
        checks.count(outcome, check: .numberVerification, market: market, yes: "verified", no: "mismatch", logger: logger)
        switch outcome {
        case .success(true): break
        case .failure(.unavailable): throw AppError.networkCheckUnavailable
        default: throw try await failed(network)
        }
        // The same word from the network a text gets before it goes out: a recent SIM swap, a recycled number.
        let marks = await checks.precheck(phone: flow.phoneNumber, market: market, lastSignIn: lastSignIn, logger: logger)
        return try await sessions.signInProven(phone: flow.phoneNumber, marks: marks, network: network, userAgent: userAgent, ip: ip, logger: logger)
    }

    /// Counts a failed finish against its network and answers it.
    private func failed(_ network: String) async throws -> AppError {
        try await signIn.recordFlowFailure(network: network, now: now())
        return .networkVerificationFailed
    }

    /// The PKCE verifier the server uses with the operator for this flow: derived, never stored.
    func serverVerifier(_ flowID: String) -> String {
        Array(HMAC<SHA256>.authenticationCode(for: Data(("phoneauth-network-flow|" + flowID).utf8), using: pepper)).base64URL
    }

    /// RFC 7636 S256.
    package static func challenge(of verifier: String) -> String { Array(SHA256.hash(data: Data(verifier.utf8))).base64URL }

    static func hash(_ flowID: String) -> Data { Data(SHA256.hash(data: Data(flowID.utf8))) }

    /// Constant-time equality of two short texts.
    static func same(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
