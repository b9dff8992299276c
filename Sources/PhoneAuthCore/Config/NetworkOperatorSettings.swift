import Foundation

/// One market's mobile operator, as the operators file (`--network-operators`) names it: where its authorization
/// server and APIs are, who we are to it, and which checks it runs for us. The private key is read from its file
/// once at start-up and never logged.
package struct NetworkOperatorSettings: Sendable, Equatable, Decodable {
    /// The checks an operator can run.
    package enum Check: String, Sendable, Equatable, Hashable, Decodable, CaseIterable {
        case numberVerification = "number-verification"
        case simSwap = "sim-swap"
        case numberRecycling = "number-recycling"
    }

    /// How a token naming a number (two-legged, for SIM Swap and Number Recycling) is obtained.
    package enum TwoLegged: String, Sendable, Equatable, Decodable {
        /// CIBA: `bc-authorize` with `login_hint=tel:+…`, then `/token` polled until it is ready.
        case ciba
        /// One `/token` request with a signed JWT-bearer grant whose `sub` is `tel:+…`.
        case jwtBearer = "jwt-bearer"
    }

    package var market: String
    /// The authorization server; its endpoints come from `<issuer>/.well-known/openid-configuration`.
    package var issuer: String
    /// The CAMARA APIs' root (`{apiRoot}` in the specifications).
    package var apiRoot: String
    package var clientID: String
    package var privateKeyFile: String
    package var keyID: String?
    /// The one purpose scope every token request declares.
    package var purpose: String
    /// Where the operator sends the device back with a code (this server's `/auth/network/callback`, as registered).
    package var redirectURI: String?
    package var checks: Set<Check>
    package var twoLegged: TwoLegged
    /// The whole budget of one check, token requests and polling included.
    package var timeoutSeconds: Double
    /// PEM bundle of the authorities to trust for this operator instead of the system's.
    package var caFile: String?
    /// API paths, by the versions this server speaks.
    package var numberVerificationPath: String
    package var simSwapPath: String
    package var numberRecyclingPath: String

    enum CodingKeys: String, CodingKey {
        case market, issuer, purpose, checks
        case apiRoot = "api_root"
        case clientID = "client_id"
        case privateKeyFile = "private_key_file"
        case keyID = "key_id"
        case redirectURI = "redirect_uri"
        case twoLegged = "two_legged"
        case timeoutSeconds = "timeout_seconds"
        case caFile = "ca_file"
        case numberVerificationPath = "number_verification_path"
        case simSwapPath = "sim_swap_path"
        case numberRecyclingPath = "number_recycling_path"
    }

    package init(
        market: String, issuer: String, apiRoot: String, clientID: String, privateKeyFile: String, keyID: String? = nil,
        purpose: String = "dpv:FraudPreventionAndDetection", redirectURI: String? = nil, checks: Set<Check> = Set(Check.allCases),
        twoLegged: TwoLegged = .ciba, timeoutSeconds: Double = 3, caFile: String? = nil
    ) {
        (self.market, self.issuer, self.apiRoot, self.clientID, self.privateKeyFile) = (market, issuer, apiRoot, clientID, privateKeyFile)
        (self.keyID, self.purpose, self.redirectURI, self.checks, self.twoLegged) = (keyID, purpose, redirectURI, checks, twoLegged)
        (self.timeoutSeconds, self.caFile) = (timeoutSeconds, caFile)
        (numberVerificationPath, simSwapPath, numberRecyclingPath) = (Self.paths.verify, Self.paths.simSwap, Self.paths.recycling)
    }

    package init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            market: try c.decode(String.self, forKey: .market), issuer: try c.decode(String.self, forKey: .issuer),
            apiRoot: try c.decode(String.self, forKey: .apiRoot), clientID: try c.decode(String.self, forKey: .clientID),
            privateKeyFile: try c.decode(String.self, forKey: .privateKeyFile), keyID: try c.decodeIfPresent(String.self, forKey: .keyID),
            purpose: try c.decodeIfPresent(String.self, forKey: .purpose) ?? "dpv:FraudPreventionAndDetection",
            redirectURI: try c.decodeIfPresent(String.self, forKey: .redirectURI),
            checks: try c.decodeIfPresent(Set<Check>.self, forKey: .checks) ?? Set(Check.allCases),
            twoLegged: try c.decodeIfPresent(TwoLegged.self, forKey: .twoLegged) ?? .ciba,
            timeoutSeconds: try c.decodeIfPresent(Double.self, forKey: .timeoutSeconds) ?? 3,
            caFile: try c.decodeIfPresent(String.self, forKey: .caFile))
        numberVerificationPath = try c.decodeIfPresent(String.self, forKey: .numberVerificationPath) ?? Self.paths.verify
        simSwapPath = try c.decodeIfPresent(String.self, forKey: .simSwapPath) ?? Self.paths.simSwap
        numberRecyclingPath = try c.decodeIfPresent(String.self, forKey: .numberRecyclingPath) ?? Self.paths.recycling
    }

    /// The CAMARA releases this server speaks: Number Verification v2, SIM Swap v2, Number Recycling v0.2.
    package static let paths = (
        verify: "/number-verification/v2/verify", simSwap: "/sim-swap/v2/check", recycling: "/number-recycling/v0.2/check"
    )

    /// Refuses settings that cannot work, naming the market.
    package func validated() throws -> Self {
        for (name, url) in [("issuer", issuer), ("api_root", apiRoot)] + (redirectURI.map { [("redirect_uri", $0)] } ?? []) {
            guard let parsed = URL(string: url), ["https", "http"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw ConfigError("network operator \(market): \(name) must be an http(s) URL")
            }
        }
        guard !clientID.isEmpty else { throw ConfigError("network operator \(market): client_id is empty") }
        guard purpose.hasPrefix("dpv:") else { throw ConfigError("network operator \(market): the purpose must be a dpv: scope") }
        guard (0.2...30).contains(timeoutSeconds) else { throw ConfigError("network operator \(market): timeout_seconds must be 0.2 to 30") }
        if checks.contains(.numberVerification), redirectURI == nil {
            throw ConfigError("network operator \(market): number-verification needs redirect_uri (this server's /auth/network/callback)")
        }
        return self
    }
}
