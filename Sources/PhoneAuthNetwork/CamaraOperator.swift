import Foundation
import Logging
import PhoneAuthCore
import PhoneAuthDelivery

/// One market's operator over its CAMARA APIs, by libcurl: OpenID discovery, `private_key_jwt` client authentication,
/// the authorization code exchange for Number Verification, two-legged tokens by CIBA (polling through
/// `authorization_pending` and `slow_down`) or a JWT-bearer grant for SIM Swap and Number Recycling, and the API calls
/// with an `x-correlator`. Each check has `timeoutSeconds` in all; a circuit breaker fails checks at once while the
/// operator keeps failing.
package final class CamaraOperator: NetworkOperator {
    package let settings: NetworkOperatorSettings
    private let assertion: ClientAssertion
    private let curl: CurlClient
    private let breaker: CircuitBreaker
    private let logger: Logger
    private let discovered = Locked<OperatorWire.Discovery?>(nil)

    package init(settings: NetworkOperatorSettings, assertion: ClientAssertion, curl: CurlClient, breaker: CircuitBreaker, logger: Logger) {
        (self.settings, self.assertion, self.curl, self.breaker, self.logger) = (settings, assertion, curl, breaker, logger)
    }

    /// The operator of `settings`, its key read from `private_key_file`.
    package convenience init(settings: NetworkOperatorSettings, curl: CurlClient, now: @escaping WallClock, logger: Logger) async throws {
        let pem: String
        do { pem = try String(contentsOfFile: settings.privateKeyFile, encoding: .utf8) } catch {
            throw ConfigError("network operator \(settings.market): cannot read private_key_file \(settings.privateKeyFile)")
        }
        let assertion = try await ClientAssertion(clientID: settings.clientID, privateKeyPEM: pem, keyID: settings.keyID, now: now)
        self.init(settings: settings, assertion: assertion, curl: curl, breaker: CircuitBreaker(), logger: logger)
    }

    // MARK: The checks

    package func authorizationURL(_ request: SilentAuthorization) async throws -> String {
        let deadline = Deadline(seconds: settings.timeoutSeconds)
        let endpoints = try await breaker.run { try await discovery(deadline) }
        guard let endpoint = endpoints.authorizationEndpoint, let redirect = settings.redirectURI else {
            throw NetworkCheckError.notApplicable("no authorization endpoint")
        }
        // Form-encoded by hand: URLComponents leaves `+` as is, which a query parser reads as a space.
        let query = FormEncoding.encode([
            ("response_type", "code"), ("client_id", settings.clientID), ("redirect_uri", redirect),
            ("scope", "openid \(settings.purpose) number-verification:verify"), ("state", request.state), ("nonce", request.nonce),
            ("prompt", "none"), ("code_challenge", request.codeChallenge), ("code_challenge_method", "S256"),
            ("login_hint", "tel:\(request.phone)"),
        ])
        return endpoint + (endpoint.contains("?") ? "&" : "?") + query
    }

    package func verifyDevice(phone: String, code: String, codeVerifier: String) async throws -> Bool {
        let deadline = Deadline(seconds: settings.timeoutSeconds)
        return try await breaker.run {
            let endpoints = try await discovery(deadline)
            let token = try await token(
                [
                    ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", settings.redirectURI ?? ""),
                    ("code_verifier", codeVerifier),
                ] + (try await assertion.fields(audience: endpoints.tokenEndpoint)), at: endpoints.tokenEndpoint, deadline)
            let answer: OperatorWire.VerifyAnswer = try await api(
                settings.numberVerificationPath, OperatorWire.VerifyRequest(phoneNumber: phone), token: token, deadline)
            return answer.devicePhoneNumberVerified
        }
    }

    package func simSwapped(phone: String, maxAgeHours: Int) async throws -> Bool {
        let deadline = Deadline(seconds: settings.timeoutSeconds)
        return try await breaker.run {
            let token = try await twoLeggedToken(phone: phone, scope: "sim-swap:check", deadline)
            let answer: OperatorWire.SwapAnswer = try await api(
                settings.simSwapPath, OperatorWire.SwapRequest(phoneNumber: phone, maxAge: maxAgeHours), token: token, deadline)
            return answer.swapped
        }
    }

    package func recycled(phone: String, since: Date) async throws -> Bool {
        let deadline = Deadline(seconds: settings.timeoutSeconds)
        let day = since.formatted(Date.ISO8601FormatStyle(timeZone: .gmt).year().month().day())
        return try await breaker.run {
            let token = try await twoLeggedToken(phone: phone, scope: "number-recycling:check", deadline)
            let answer: OperatorWire.RecyclingAnswer = try await api(
                settings.numberRecyclingPath, OperatorWire.RecyclingRequest(phoneNumber: phone, specifiedDate: day), token: token, deadline)
            return answer.phoneNumberRecycled
        }
    }

    /// Whether checks fail at once now (the operator kept failing).
    package var isCircuitOpen: Bool { breaker.isOpen }

    // MARK: Tokens

    /// A token naming `phone`, by the operator's two-legged flow.
    private func twoLeggedToken(phone: String, scope: String, _ deadline: Deadline) async throws -> String {
        let endpoints = try await discovery(deadline)
        let scopes = "openid \(settings.purpose) \(scope)"
        switch settings.twoLegged {
        case .jwtBearer:
            // The assertion is the grant and the client authentication both; the scope goes in it, not beside it.
            let grant = try await assertion.grant(subject: "tel:\(phone)", scope: scopes, audience: endpoints.tokenEndpoint)
            return try await token(
                [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", grant)], at: endpoints.tokenEndpoint, deadline)
        case .ciba:
            guard let backchannel = endpoints.backchannelAuthenticationEndpoint else {
                throw NetworkCheckError.notApplicable("no backchannel_authentication_endpoint")
            }
            let started = try await post(
                backchannel, form: [("scope", scopes), ("login_hint", "tel:\(phone)")] + (try await assertion.fields(audience: backchannel)),
                deadline)
            let start: OperatorWire.BackchannelStart = try Self.decode(started, oauth: true)
            var interval = Duration.seconds(max(0, start.interval ?? 5))
            while true {
                let answer = try await post(
                    endpoints.tokenEndpoint,
                    form: [("grant_type", "urn:openid:params:grant-type:ciba"), ("auth_req_id", start.authReqID)]
                        + (try await assertion.fields(audience: endpoints.tokenEndpoint)), deadline)
                if answer.status == 200 { return try Self.decode(answer, oauth: true, as: OperatorWire.Token.self).accessToken }
                let error = (try? OperatorWire.decoder.decode(OperatorWire.OAuthError.self, from: Data(answer.body)))?.error
                switch error {
                case "authorization_pending": break
                case "slow_down": interval += .seconds(5)  // CIBA: at least five seconds more from now on
                default: _ = try Self.decode(answer, oauth: true, as: OperatorWire.Token.self)
                }
                try deadline.wait(interval)
                try await Task.sleep(for: interval)
            }
        }
    }

    private func token(_ form: [(String, String)], at endpoint: String, _ deadline: Deadline) async throws -> String {
        try Self.decode(try await post(endpoint, form: form, deadline), oauth: true, as: OperatorWire.Token.self).accessToken
    }

    /// The provider metadata, fetched once and kept; a failed fetch is tried again by the next check.
    private func discovery(_ deadline: Deadline) async throws -> OperatorWire.Discovery {
        if let known = discovered.withLock({ $0 }) { return known }
        let base = settings.issuer.hasSuffix("/") ? String(settings.issuer.dropLast()) : settings.issuer
        let answer = try await send(CurlRequest(url: base + "/.well-known/openid-configuration", method: "GET"), deadline)
        let metadata: OperatorWire.Discovery = try Self.decode(answer, oauth: true)
        discovered.withLock { $0 = metadata }
        return metadata
    }

    // MARK: HTTP

    private func api<Body: Encodable, Answer: Decodable>(_ path: String, _ body: Body, token: String, _ deadline: Deadline) async throws -> Answer {
        let root = settings.apiRoot.hasSuffix("/") ? String(settings.apiRoot.dropLast()) : settings.apiRoot
        let correlator = UUID().uuidString.lowercased()
        var request = CurlRequest(url: root + path)
        request.headers = [
            "Content-Type: application/json", "Accept: application/json", "Authorization: Bearer \(token)", "x-correlator: \(correlator)",
        ]
        request.body = Array(try OperatorWire.encoder.encode(body))
        let answer = try await send(request, deadline)
        do { return try Self.decode(answer, oauth: false) } catch let error as NetworkCheckError {
            logger.notice(
                "network check failed",
                metadata: ["market": "\(settings.market)", "path": "\(path)", "error": "\(error)", "x_correlator": "\(correlator)"])
            throw error
        }
    }

    private func post(_ url: String, form: [(String, String)], _ deadline: Deadline) async throws -> CurlResponse {
        var request = CurlRequest(url: url)
        request.headers = ["Content-Type: application/x-www-form-urlencoded", "Accept: application/json"]
        request.body = Array(FormEncoding.encode(form).utf8)
        return try await send(request, deadline)
    }

    private func send(_ request: CurlRequest, _ deadline: Deadline) async throws -> CurlResponse {
        var request = request
        request.caFile = settings.caFile
        let remaining = try deadline.remaining()
        request.timeout = remaining
        request.connectTimeout = min(remaining, .seconds(2))
        do { return try await curl.perform(request) } catch let error as CurlError {
            throw NetworkCheckError.unavailable(error.isTimeout ? "timeout" : error.description)
        }
    }

    /// The answer's body as `T` when it is a 200; otherwise the error it carries, sorted: the operator saying no
    /// (`refused`), not serving the number (`notApplicable`), or not answering properly (`unavailable`).
    static func decode<T: Decodable>(_ answer: CurlResponse, oauth: Bool, as type: T.Type = T.self) throws -> T {
        if answer.status == 200 {
            guard let value = try? OperatorWire.decoder.decode(T.self, from: Data(answer.body)) else {
                throw NetworkCheckError.unavailable("unreadable answer")
            }
            return value
        }
        let code =
            oauth
            ? (try? OperatorWire.decoder.decode(OperatorWire.OAuthError.self, from: Data(answer.body)))?.error
            : (try? OperatorWire.decoder.decode(OperatorWire.CamaraError.self, from: Data(answer.body)))?.code
        switch answer.status {
        case 429, 500...: throw NetworkCheckError.unavailable("HTTP \(answer.status)")
        case 404, 422: throw NetworkCheckError.notApplicable(code ?? "HTTP \(answer.status)")
        default: throw NetworkCheckError.refused(code ?? "HTTP \(answer.status)")
        }
    }
}

/// The time one check has left, across its requests.
struct Deadline: Sendable {
    let end: ContinuousClock.Instant

    init(seconds: Double) { end = .now + .milliseconds(Int(seconds * 1_000)) }

    /// What is left, or `unavailable("timeout")` when nothing is.
    func remaining() throws -> Duration {
        let left = end - .now
        guard left > .milliseconds(20) else { throw NetworkCheckError.unavailable("timeout") }
        return left
    }

    /// Refuses to wait past the end.
    func wait(_ pause: Duration) throws {
        guard ContinuousClock.now + pause < end else { throw NetworkCheckError.unavailable("timeout") }
    }
}
