import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import JWTKit

@testable import PhoneAuthCore
@testable import PhoneAuthNetwork

/// A loopback mobile operator speaking the GSMA CAMARA APIs as their specifications shape them: OpenID discovery,
/// `/authorize` (Number Verification's code flow, `prompt=none`, PKCE S256), `/bc-authorize` (CIBA with
/// `login_hint=tel:+…`), `/token` (authorization code, CIBA polling that answers `authorization_pending` first,
/// JWT-bearer), `POST /number-verification/v2/verify`, `/sim-swap/v2/check`, `/sim-swap/v2/retrieve-date` and
/// `/number-recycling/v0.2/check`. It checks what a real one would: every client assertion (`private_key_jwt`: the
/// registered key's signature, `iss` = `sub` = the client id, `aud` the endpoint or the issuer, at most 300 seconds,
/// a `jti` never seen before), the purpose and API scopes, the registered redirect URI, the PKCE verifier, codes and
/// Number Verification tokens used once, a token naming the number it is asked about, and it echoes `x-correlator`.
/// Fixtures say which number the device on its mobile network has, and each number's last SIM change and new
/// subscriber; `outage` and `delay` make it fail or answer slowly.
final class FakeOperator: Sendable {
    static let clientID = "phoneauth-test-client"
    static let purpose = "dpv:FraudPreventionAndDetection"

    /// The client's key: its PEM goes to the server's settings, its public half is registered here.
    let clientKey = ES256PrivateKey()
    private let keys = JWTKeyCollection()

    struct Fixtures: Sendable {
        /// The number of the device reaching `/authorize` over mobile data; nil: not on this operator's network.
        var deviceNumber: String?
        var simChanges: [String: Date] = [:]
        var newSubscribers: [String: Date] = [:]
        var outage = false
        var delay: Duration = .zero
        /// Seconds CIBA tells the client to wait between polls.
        var cibaInterval = 1
        /// Polls answered `slow_down` before the pending one.
        var slowDowns = 0
    }

    private struct Grant: Sendable {
        var number: String
        var scopes: Set<String>
        var singleUse: Bool
    }

    private struct Pending: Sendable {
        var number: String
        var scopes: Set<String>
        var polls = 0
    }

    private struct Code: Sendable {
        var number: String
        var challenge: String
        var redirect: String
    }

    let fixtures = Locked(Fixtures())
    private let seenJTIs = Locked<Set<String>>([])
    private let codes = Locked<[String: Code]>([:])
    private let pending = Locked<[String: Pending]>([:])
    private let tokens = Locked<[String: Grant]>([:])
    private let calls = Locked<[String]>([])
    private let correlators = Locked<[String]>([])
    let redirectURI: String

    /// Paths called, in order (`/token`, `/sim-swap/v2/check`, …).
    var requests: [String] { calls.withLock { $0 } }
    var echoedCorrelators: [String] { correlators.withLock { $0 } }

    init(redirectURI: String = "http://127.0.0.1:1/auth/network/callback") async throws {
        self.redirectURI = redirectURI
        await keys.add(ecdsa: try ES256PublicKey(pem: clientKey.publicKey.pemRepresentation))
    }

    /// The `kg` market's settings for this operator at `base`, the client's key written to a file of its own (the
    /// server reads it at start, as in production). JWT-bearer by default: the quickest two-legged flow.
    func settings(
        _ base: String, checks: Set<NetworkOperatorSettings.Check> = Set(NetworkOperatorSettings.Check.allCases),
        twoLegged: NetworkOperatorSettings.TwoLegged = .jwtBearer
    ) throws -> NetworkOperatorSettings {
        let key = FileManager.default.temporaryDirectory.appendingPathComponent("operator-\(UUID().uuidString).pem")
        try clientKey.pemRepresentation.write(to: key, atomically: true, encoding: .utf8)
        return NetworkOperatorSettings(
            market: "kg", issuer: base, apiRoot: base, clientID: Self.clientID, privateKeyFile: key.path, redirectURI: redirectURI,
            checks: checks, twoLegged: twoLegged)
    }

    func run<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let base = Locked("")
        let router = Router()
        router.middlewares.add(Gate(owner: self))
        router.get(".well-known/openid-configuration") { _, _ -> Response in
            let root = base.withLock { $0 }
            return FakeProvider.json(
                .ok,
                [
                    "issuer": root, "authorization_endpoint": root + "/authorize", "token_endpoint": root + "/token",
                    "backchannel_authentication_endpoint": root + "/bc-authorize", "jwks_uri": root + "/jwks",
                    "backchannel_token_delivery_modes_supported": ["poll"],
                    "token_endpoint_auth_methods_supported": ["private_key_jwt"],
                    "grant_types_supported": [
                        "authorization_code", "urn:openid:params:grant-type:ciba", "urn:ietf:params:oauth:grant-type:jwt-bearer",
                    ],
                ])
        }
        router.get("authorize") { request, _ -> Response in self.authorize(request) }
        router.post("bc-authorize") { request, _ -> Response in try await self.backchannel(request, root: base.withLock { $0 }) }
        router.post("token") { request, _ -> Response in try await self.token(request, root: base.withLock { $0 }) }
        router.post("number-verification/v2/verify") { request, _ -> Response in try await self.verify(request) }
        router.post("sim-swap/v2/check") { request, _ -> Response in try await self.simSwap(request, date: false) }
        router.post("sim-swap/v2/retrieve-date") { request, _ -> Response in try await self.simSwap(request, date: true) }
        router.post("number-recycling/v0.2/check") { request, _ -> Response in try await self.recycling(request) }
        return try await FakeProvider.serve(router, label: "fake-operator") { url in
            base.withLock { $0 = url }
            return try await body(url)
        }
    }

    /// Records each call, echoes `x-correlator`, and plays the outage and delay fixtures.
    private struct Gate: RouterMiddleware {
        let owner: FakeOperator
        func handle(
            _ request: Request, context: BasicRequestContext, next: (Request, BasicRequestContext) async throws -> Response
        ) async throws
            -> Response
        {
            owner.calls.withLock { $0.append(request.uri.path) }
            let (outage, delay) = owner.fixtures.withLock { ($0.outage, $0.delay) }
            if delay > .zero { try await Task.sleep(for: delay) }
            if outage { return FakeOperator.camara(503, "UNAVAILABLE", "Service unavailable") }
            var response = try await next(request, context)
            if let correlator = request.headers[HTTPField.Name("x-correlator")!] {
                owner.correlators.withLock { $0.append(correlator) }
                response.headers[HTTPField.Name("x-correlator")!] = correlator
            }
            return response
        }
    }

    // MARK: Authorization server

    private func authorize(_ request: Request) -> Response {
        let query = Self.fields(request.uri.query ?? "")
        guard query["client_id"] == Self.clientID, query["redirect_uri"] == redirectURI else {
            // No redirect to an unregistered URI: the error is shown, not sent.
            return FakeProvider.json(.badRequest, ["error": "invalid_request", "error_description": "unknown client or redirect_uri"])
        }
        func fail(_ error: String) -> Response {
            Response(status: .found, headers: [.location: "\(redirectURI)?error=\(error)&state=\(query["state"] ?? "")"])
        }
        let scopes = Set((query["scope"] ?? "").split(separator: " ").map(String.init))
        guard query["response_type"] == "code", query["prompt"] == "none", query["code_challenge_method"] == "S256",
            let challenge = query["code_challenge"], let state = query["state"], !state.isEmpty, query["nonce"] != nil
        else { return fail("invalid_request") }
        guard scopes.isSuperset(of: ["openid", Self.purpose, "number-verification:verify"]) else { return fail("invalid_scope") }
        guard let device = fixtures.withLock({ $0.deviceNumber }) else { return fail("access_denied") }
        let code = UUID().uuidString
        codes.withLock { $0[code] = Code(number: device, challenge: challenge, redirect: redirectURI) }
        return Response(status: .found, headers: [.location: "\(redirectURI)?code=\(code)&state=\(state)"])
    }

    private func backchannel(_ request: Request, root: String) async throws -> Response {
        let form = try await Self.form(request)
        guard try await clientAuthenticated(form, audience: [root + "/bc-authorize", root]) else { return Self.oauth(401, "invalid_client") }
        let scopes = Set((form["scope"] ?? "").split(separator: " ").map(String.init))
        guard scopes.contains("openid"), scopes.filter({ $0.hasPrefix("dpv:") }) == [Self.purpose], scopes.count >= 3 else {
            return Self.oauth(400, "invalid_scope")
        }
        guard let hint = form["login_hint"], hint.hasPrefix("tel:+"), form["login_hint_token"] == nil, form["id_token_hint"] == nil else {
            return Self.oauth(400, "invalid_request")
        }
        let id = UUID().uuidString
        pending.withLock { $0[id] = Pending(number: String(hint.dropFirst(4)), scopes: scopes) }
        return FakeProvider.json(.ok, ["auth_req_id": id, "expires_in": 120, "interval": fixtures.withLock { $0.cibaInterval }])
    }

    private func token(_ request: Request, root: String) async throws -> Response {
        let form = try await Self.form(request)
        let audiences = [root + "/token", root]
        switch form["grant_type"] {
        case "authorization_code":
            guard try await clientAuthenticated(form, audience: audiences) else { return Self.oauth(401, "invalid_client") }
            guard let code = form["code"], let issued = codes.withLock({ $0.removeValue(forKey: code) }), form["redirect_uri"] == issued.redirect,
                let verifier = form["code_verifier"], Self.challenge(of: verifier) == issued.challenge
            else { return Self.oauth(400, "invalid_grant") }
            return issue(Grant(number: issued.number, scopes: ["number-verification:verify"], singleUse: true))
        case "urn:openid:params:grant-type:ciba":
            guard try await clientAuthenticated(form, audience: audiences) else { return Self.oauth(401, "invalid_client") }
            guard let id = form["auth_req_id"], var waiting = pending.withLock({ $0[id] }) else { return Self.oauth(400, "invalid_grant") }
            waiting.polls += 1
            pending.withLock { $0[id] = waiting }
            let slowDowns = fixtures.withLock { $0.slowDowns }
            if waiting.polls <= slowDowns { return Self.oauth(400, "slow_down") }
            if waiting.polls == slowDowns + 1 { return Self.oauth(400, "authorization_pending") }
            pending.withLock { _ = $0.removeValue(forKey: id) }
            return issue(Grant(number: waiting.number, scopes: waiting.scopes, singleUse: false))
        case "urn:ietf:params:oauth:grant-type:jwt-bearer":
            guard form["scope"] == nil, let assertion = form["assertion"],
                let claims = try? await verified(assertion, audience: audiences), claims.sub.value.hasPrefix("tel:+"), let scope = claims.scope
            else { return Self.oauth(400, "invalid_grant") }
            let scopes = Set(scope.split(separator: " ").map(String.init))
            guard scopes.filter({ $0.hasPrefix("dpv:") }) == [Self.purpose] else { return Self.oauth(400, "invalid_scope") }
            return issue(Grant(number: String(claims.sub.value.dropFirst(4)), scopes: scopes, singleUse: false))
        default:
            return Self.oauth(400, "unsupported_grant_type")
        }
    }

    private func issue(_ grant: Grant) -> Response {
        let token = UUID().uuidString
        tokens.withLock { $0[token] = grant }
        return FakeProvider.json(.ok, ["access_token": token, "token_type": "Bearer", "expires_in": 300])
    }

    /// `private_key_jwt`: `iss` and `sub` are the client, signed by its registered key, for this endpoint.
    private func clientAuthenticated(_ form: [String: String], audience: [String]) async throws -> Bool {
        guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", let jwt = form["client_assertion"],
            let claims = try? await verified(jwt, audience: audience)
        else { return false }
        return claims.sub.value == Self.clientID
    }

    private func verified(_ jwt: String, audience: [String]) async throws -> ClientAssertion.Claims {
        let claims = try await keys.verify(jwt, as: ClientAssertion.Claims.self)
        guard claims.iss.value == Self.clientID, claims.aud.value.contains(where: audience.contains),
            claims.exp.value.timeIntervalSince(claims.iat.value) <= 300, claims.iat.value <= Date().addingTimeInterval(5),
            seenJTIs.withLock({ $0.insert(claims.jti.value).inserted })
        else { throw JWTError.generic(identifier: "assertion", reason: "refused") }
        return claims
    }

    // MARK: APIs

    /// The grant a bearer token carries, if it has `scope`; a single-use one is spent here.
    private func grant(_ request: Request, scope: String) -> Grant? {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return nil }
        let token = String(header.dropFirst(7))
        return tokens.withLock { tokens in
            guard let grant = tokens[token], grant.scopes.contains(scope) else { return nil }
            if grant.singleUse { tokens[token] = nil }
            return grant
        }
    }

    private func verify(_ request: Request) async throws -> Response {
        guard let grant = grant(request, scope: "number-verification:verify") else {
            return Self.camara(401, "UNAUTHENTICATED", "Request not authenticated due to missing, invalid, or expired credentials.")
        }
        guard let body = try await FakeProvider.object(request), body.count == 1 else {
            return Self.camara(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param.")
        }
        if let phone = body["phoneNumber"] as? String { return FakeProvider.json(.ok, ["devicePhoneNumberVerified": phone == grant.number]) }
        if let hashed = body["hashedPhoneNumber"] as? String {
            let digest = SHA256.hash(data: Data(grant.number.utf8)).map { String(format: "%02x", $0) }.joined()
            return FakeProvider.json(.ok, ["devicePhoneNumberVerified": hashed.lowercased() == digest])
        }
        return Self.camara(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param.")
    }

    private func simSwap(_ request: Request, date: Bool) async throws -> Response {
        guard let grant = grant(request, scope: date ? "sim-swap:retrieve-date" : "sim-swap:check") else {
            return Self.camara(403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action.")
        }
        guard let body = try await FakeProvider.object(request), let phone = body["phoneNumber"] as? String,
            Set(body.keys).isSubset(of: ["phoneNumber", "maxAge"])
        else { return Self.camara(422, "MISSING_IDENTIFIER", "The device cannot be identified.") }
        guard phone == grant.number else { return Self.camara(403, "PERMISSION_DENIED", "The token is for another number.") }
        let changed = fixtures.withLock { $0.simChanges[phone] }
        if date { return FakeProvider.json(.ok, ["latestSimChange": changed.map { $0.ISO8601Format() } ?? NSNull()]) }
        let maxAge = body["maxAge"] as? Int ?? 240
        guard (1...2_400).contains(maxAge) else { return Self.camara(400, "OUT_OF_RANGE", "Client specified an invalid range.") }
        let swapped = changed.map { Date().timeIntervalSince($0) <= Double(maxAge) * 3_600 } ?? false
        return FakeProvider.json(.ok, ["swapped": swapped])
    }

    private func recycling(_ request: Request) async throws -> Response {
        guard let grant = grant(request, scope: "number-recycling:check") else {
            return Self.camara(403, "PERMISSION_DENIED", "Client does not have sufficient permissions to perform this action.")
        }
        guard let body = try await FakeProvider.object(request), let phone = body["phoneNumber"] as? String, phone == grant.number,
            let text = body["specifiedDate"] as? String, let day = try? Date(text + "T00:00:00Z", strategy: .iso8601)
        else { return Self.camara(400, "INVALID_ARGUMENT", "Client specified an invalid argument, request body or query param.") }
        let recycled = fixtures.withLock { $0.newSubscribers[phone] }.map { $0 > day } ?? false
        return FakeProvider.json(.ok, ["phoneNumberRecycled": recycled])
    }

    // MARK: Wire

    static func challenge(of verifier: String) -> String {
        Data(SHA256.hash(data: Data(verifier.utf8))).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func camara(_ status: Int, _ code: String, _ message: String) -> Response {
        FakeProvider.json(HTTPResponse.Status(code: status), ["status": status, "code": code, "message": message])
    }

    static func oauth(_ status: Int, _ error: String) -> Response {
        FakeProvider.json(HTTPResponse.Status(code: status), ["error": error])
    }

    static func form(_ request: Request) async throws -> [String: String] {
        fields(String(buffer: try await request.body.collect(upTo: 1 << 16)))
    }

    /// `application/x-www-form-urlencoded` fields (a query string too): `+` is a space.
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
            }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
