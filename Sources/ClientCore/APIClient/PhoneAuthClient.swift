import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Stateless calls to a PhoneAuth server: builds requests, decodes answers, types errors. `PhoneAuthSession` adds
/// tokens on top.
public struct PhoneAuthClient: Sendable {
    /// The server, e.g. `https://auth.example.com`.
    public let baseURL: URL
    private let transport: any HTTPTransport
    private let timeout: TimeInterval
    private let userAgent: String?

    /// A client of the server at `baseURL`; `timeout` bounds each request, `transport` sends them (tests swap it).
    /// `userAgent` (e.g. `"MyApp/2.3 (iPhone)"`) is sent with every request and is how the user's list of sessions and
    /// the operator console name this device; nil keeps the platform's default.
    public init(
        baseURL: URL, timeout: TimeInterval = 15, userAgent: String? = nil, transport: any HTTPTransport = URLSessionTransport()
    ) {
        self.baseURL = baseURL
        self.transport = transport
        self.timeout = timeout
        self.userAgent = userAgent
    }

    /// Asks the server to send a one-time code to `phone`: by `channel` when given (one the number's market offers,
    /// as an earlier answer's `CodeSent.channels` lists them), else by the server's choice; worded in `language`
    /// (a BCP 47 tag such as `ky-KG`, e.g. the app's locale) when the server has texts in it. The answer says which
    /// channel was used and when each other one may be asked for. When the server first wants a proof of work (428
    /// `challenge_required`, under an SMS-pumping attack on the number's range), it is solved here and the request
    /// repeated once with the solution; `onChallenge` hears how solving goes. `token`: sent along when given; the
    /// server decides by the number's own history (a number that signed in before is never challenged), not by it.
    public func sendCode(
        phone: String, channel: Channel? = nil, language: String? = nil, token: String? = nil,
        onChallenge: (@Sendable (ProofOfWorkChallenge.Progress) -> Void)? = nil
    ) async throws(PhoneAuthClientError) -> CodeSent {
        try await sendCode(
            SendCodeRequest(phone: phone, language: language, channel: channel), to: "auth/send-code", token: token, onChallenge: onChallenge)
    }

    /// A send-code body to `path` (sign-in's, or a number change's), solving a 428 challenge once.
    func sendCode(
        _ request: SendCodeRequest, to path: String, token: String?, onChallenge: (@Sendable (ProofOfWorkChallenge.Progress) -> Void)?
    ) async throws(PhoneAuthClientError) -> CodeSent {
        do {
            return try await call("POST", path, body: request, token: token)
        } catch {
            guard case .challengeRequired(let challenge) = error else { throw error }
            guard let solution = await challenge.solve(progress: onChallenge) else { throw error }
            var solved = request
            (solved.challenge, solved.solution) = (challenge.token, solution)
            do {
                return try await call("POST", path, body: solved, token: token)
            } catch {
                // A second challenge means the first was refused after all: say so rather than solve for ever.
                guard case .challengeRequired = error else { throw error }
                throw .server(status: 428, code: ErrorCode.challengeRequired.rawValue, message: "The solved challenge was not accepted; try again.")
            }
        }
    }

    /// Asks for a new code for `phone` by another channel, when the first has not come: one of the earlier answer's
    /// `CodeSent.channels` once its `ChannelOffer.availableIn` has passed (sooner, when the server hears the first
    /// failed). Too soon throws `resend_too_soon` with ``PhoneAuthClientError/retryAfter``. The new answer's
    /// `CodeSent.verificationID` is the one to verify with (the earlier code works too while it lives).
    public func resend(
        phone: String, via channel: Channel, language: String? = nil, onChallenge: (@Sendable (ProofOfWorkChallenge.Progress) -> Void)? = nil
    ) async throws(PhoneAuthClientError) -> CodeSent {
        try await sendCode(phone: phone, channel: channel, language: language, onChallenge: onChallenge)
    }

    /// Trades the texted code for tokens, naming the send by the id `sendCode` returned: the way to sign in.
    public func verifyCode(verificationID: String, code: String) async throws(PhoneAuthClientError) -> TokenGrant {
        try await call("POST", "auth/verify-code", body: VerifyCodeRequest(verificationID: verificationID, code: code))
    }

    /// Trades the texted code for tokens by phone number, for a code whose verification id is lost (the server keeps
    /// a smaller try budget for this path).
    public func verifyCode(phone: String, code: String) async throws(PhoneAuthClientError) -> TokenGrant {
        try await call("POST", "auth/verify-code", body: VerifyCodeRequest(phone: phone, code: code))
    }

    /// Starts a silent sign-in for `phone` (`NetworkStart`): a flow to follow over mobile data, or the reason to send a
    /// code. `codeChallenge` is the base64url SHA-256 of a verifier the caller keeps for ``verifyNetworkSignIn(_:)``;
    /// ``PhoneAuthSession/signInSilently(phone:browser:)`` does all of it.
    public func startNetworkSignIn(phone: String, codeChallenge: String) async throws(PhoneAuthClientError) -> NetworkStart {
        try await call("POST", "auth/network/start", body: NetworkStartRequest(phone: phone, codeChallenge: codeChallenge))
    }

    /// Finishes a silent sign-in with what the operator's redirect carried and the verifier; answers as verify-code.
    public func verifyNetworkSignIn(_ request: NetworkVerifyRequest) async throws(PhoneAuthClientError) -> TokenGrant {
        try await call("POST", "auth/network/verify", body: request)
    }

    /// Trades a refresh token for a new pair; ``PhoneAuthSession`` does this by itself.
    public func refresh(refreshToken: String) async throws(PhoneAuthClientError) -> TokenGrant {
        try await call("POST", "auth/refresh", body: RefreshRequest(refreshToken: refreshToken))
    }

    /// One request; `token` adds `Authorization: Bearer`.
    func call<Response: Decodable>(
        _ method: String, _ path: String, body: (any Encodable)? = nil, token: String? = nil, query: [URLQueryItem] = [],
        headers: [String: String] = [:]
    ) async throws(PhoneAuthClientError) -> Response {
        let data = try await exchange(method, path, body: body, token: token, query: query, headers: headers).0
        do {
            return try Self.decoder.decode(Response.self, from: data.isEmpty ? Data("{}".utf8) : data)
        } catch {
            throw .unexpectedResponse("cannot decode \(Response.self): \(error)")
        }
    }

    /// A conditional GET: with `etag`, a 304 answers `value: nil` (the caller's copy is current).
    func revalidate<Value: Decodable & Sendable>(
        _ path: String, token: String, etag: String?
    ) async throws(PhoneAuthClientError)
        -> Revalidated<Value>
    {
        let (data, response) = try await exchange("GET", path, token: token, headers: etag.map { ["If-None-Match": $0] } ?? [:])
        if response.statusCode == 304 { return Revalidated(value: nil, etag: etag) }
        do {
            return Revalidated(value: try Self.decoder.decode(Value.self, from: data), etag: response.value(forHTTPHeaderField: "ETag"))
        } catch {
            throw .unexpectedResponse("cannot decode \(Value.self): \(error)")
        }
    }

    func raw(
        _ method: String, _ path: String, body: (any Encodable)? = nil, token: String? = nil, query: [URLQueryItem] = []
    )
        async throws(PhoneAuthClientError) -> Data
    {
        try await exchange(method, path, body: body, token: token, query: query).0
    }

    /// One request and its answer; any status but 2xx and 304 is thrown as the server's error.
    func exchange(
        _ method: String, _ path: String, body: (any Encodable)? = nil, token: String? = nil, query: [URLQueryItem] = [],
        headers: [String: String] = [:]
    ) async throws(PhoneAuthClientError) -> (Data, HTTPURLResponse) {
        var components = URLComponents(url: baseURL.appendingPathComponent(path), resolvingAgainstBaseURL: false)!
        if !query.isEmpty { components.queryItems = query }
        var request = URLRequest(url: components.url!, timeoutInterval: timeout)
        request.httpMethod = method
        request.setValue("application/json", forHTTPHeaderField: "Accept")
        if let userAgent { request.setValue(userAgent, forHTTPHeaderField: "User-Agent") }
        if let body {
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
            request.httpBody = try? Self.encoder.encode(body)
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let data: Data
        let response: HTTPURLResponse
        do {
            (data, response) = try await transport.send(request)
        } catch let error as URLError where error.code == .timedOut {
            throw .timeout
        } catch {
            throw .transport(error.localizedDescription)
        }
        guard (200..<300).contains(response.statusCode) || response.statusCode == 304 else {
            if let body = try? Self.decoder.decode(ErrorBody.self, from: data) {
                if response.statusCode == 428, let token = body.error.challenge, let difficulty = body.error.difficulty {
                    throw .challengeRequired(ProofOfWorkChallenge(token: token, difficulty: difficulty, expiresIn: body.error.expiresIn ?? 300))
                }
                let retryAfter = body.error.retryAfter ?? response.value(forHTTPHeaderField: "Retry-After").flatMap { Int($0) }
                throw .server(
                    status: response.statusCode, code: body.error.code, message: body.error.message,
                    details: ServerErrorDetails(field: body.error.field, attemptsRemaining: body.error.attemptsRemaining, retryAfter: retryAfter))
            }
            // Not our error shape (a proxy's HTML page, an empty 502): an answer this client does not understand.
            throw .unexpectedResponse("HTTP \(response.statusCode) without a PhoneAuth error body")
        }
        return (data, response)
    }

    static let encoder = JSONEncoder()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// A conditional GET's answer: a fresh value and its tag, or nil when the cached copy is current.
struct Revalidated<Value: Sendable>: Sendable {
    var value: Value?
    var etag: String?
}
