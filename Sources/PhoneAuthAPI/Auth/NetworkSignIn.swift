/// The body of `POST /auth/network/start`: the number to prove without a text, and the S256 challenge of a verifier
/// the client keeps (RFC 7636) for `POST /auth/network/verify`, so only the device that started the flow can finish it.
public struct NetworkStartRequest: Codable, Sendable, Equatable {
    /// The number to sign in, with its country code.
    public var phone: String
    /// base64url SHA-256 of the client's verifier, 43 characters.
    public var codeChallenge: String

    /// A start for `phone`, bound to the verifier whose challenge is `codeChallenge`.
    public init(phone: String, codeChallenge: String) { (self.phone, self.codeChallenge) = (phone, codeChallenge) }

    package enum CodingKeys: String, CodingKey {
        case phone
        case codeChallenge = "code_challenge"
    }
}

/// The answer of `POST /auth/network/start`: either a flow to follow over mobile data (`method` `network`), or the
/// reason to send a code instead (`method` `sms`).
public struct NetworkStart: Codable, Sendable, Equatable {
    /// `network`: follow ``authorizeURL``; `sms`: ask for a code (``reason`` says why).
    public var method: String
    /// What ``NetworkVerifyRequest/flowID`` names.
    public var flowID: String?
    /// The operator's authorization address: open it over mobile data (not Wi-Fi), and stop at the redirect to
    /// ``callbackURL`` (its query carries `code` and `state`).
    public var authorizeURL: String?
    /// Where the operator sends the device back; the app takes the redirect's `code` and `state` from it.
    public var callbackURL: String?
    /// Seconds the flow can be finished in.
    public var expiresIn: Int?
    /// Why a code is the way: `no_operator` (the number's market has none), `operator_unavailable`, `too_many_flows`
    /// (the number has three under way).
    public var reason: String?

    /// An answer: a flow (`network`) or a fallback (`sms`).
    public init(
        method: String, flowID: String? = nil, authorizeURL: String? = nil, callbackURL: String? = nil, expiresIn: Int? = nil,
        reason: String? = nil
    ) {
        (self.method, self.flowID, self.authorizeURL, self.callbackURL) = (method, flowID, authorizeURL, callbackURL)
        (self.expiresIn, self.reason) = (expiresIn, reason)
    }

    package enum CodingKeys: String, CodingKey {
        case method, reason
        case flowID = "flow_id"
        case authorizeURL = "authorize_url"
        case callbackURL = "callback_url"
        case expiresIn = "expires_in"
    }
}

/// The body of `POST /auth/network/verify`: the flow, what the operator's redirect carried, and the client's verifier.
public struct NetworkVerifyRequest: Codable, Sendable, Equatable {
    /// The flow ``NetworkStart/flowID`` named.
    public var flowID: String
    /// The `code` of the operator's redirect.
    public var code: String
    /// The `state` of the operator's redirect.
    public var state: String
    /// The verifier whose SHA-256 was the start's `code_challenge`.
    public var codeVerifier: String

    /// The flow's one try.
    public init(flowID: String, code: String, state: String, codeVerifier: String) {
        (self.flowID, self.code, self.state, self.codeVerifier) = (flowID, code, state, codeVerifier)
    }

    package enum CodingKeys: String, CodingKey {
        case code, state
        case flowID = "flow_id"
        case codeVerifier = "code_verifier"
    }
}
