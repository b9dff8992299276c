import Foundation
import PhoneAuthAPI

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Keeps a service's knowledge of revocations current without a call to PhoneAuth per request: it holds PhoneAuth's
/// revocation stream (`GET /auth/revocations`) open, applies each event to a list of cutoffs, and refuses a revoked
/// token on its next request (``check(_:token:)``). It reconnects on its own, resuming after the last event it saw,
/// and counts as live only once the stream said it caught up (`ready`) and while bytes keep arriving (a keepalive
/// comes every 5 seconds, so a connection that died silently is noticed within `staleAfter`, 15 seconds). While it is
/// not live it never answers from what it held: it asks PhoneAuth's introspection for each token (answers kept a few
/// seconds), or refuses, as ``Fallback`` says.
public actor PhoneAuthRevocations {
    /// What to do while the stream is down.
    public enum Fallback: Sendable, Equatable {
        /// Ask `POST /auth/introspect` about each token, keeping an answer for `cacheFor` seconds.
        case introspect(cacheFor: TimeInterval)
        /// Refuse every token (``TokenRejection/revocationUnknown``) until the stream is back.
        case refuse
    }

    /// How the stream stands, for health checks and logs.
    public struct Status: Sendable, Equatable {
        /// Whether revocations are known up to now: connected, caught up, and heard from within `staleAfter`.
        public var isLive: Bool
        /// The id of the last event applied.
        public var lastEventID: Int64?
        /// How many cutoffs are held.
        public var revocations: Int
        /// How many times a connection was made.
        public var connections: Int
        /// Why the last connection failed or ended, if it did.
        public var lastProblem: String?
    }

    private let base: URL
    private let streamURL: URL
    private let authorization: String
    private let fallback: Fallback
    private let tokenLifetime: TimeInterval
    private let staleAfter: TimeInterval
    private let now: @Sendable () -> Date
    private let session: URLSession

    private var list = RevocationList()
    private var caughtUp = false
    private var lastHeard = Date.distantPast
    private var lastEventID: Int64?
    private var lastPrune = Date.distantPast
    private var connections = 0
    private var lastProblem: String?
    private var loop: Task<Void, Never>?
    private var answers: [String: (active: Bool, until: Date)] = [:]

    /// A list of PhoneAuth's revocations, read from `phoneAuth` (its base address, e.g. `https://auth.example.com`) as the
    /// introspection client `clientID` (PhoneAuth's `--introspection-client ID:SECRET`). Call ``start()`` once.
    ///
    /// - Parameters:
    ///   - phoneAuth: PhoneAuth's base address.
    ///   - clientID: The introspection client's id.
    ///   - clientSecret: Its secret.
    ///   - fallback: What to do while the stream is down.
    ///   - tokenLifetime: PhoneAuth's access-token lifetime: revocations older than it (and 5 minutes) are forgotten.
    ///   - streamURL: Where the stream is read when not at `phoneAuth` (a route for long-lived connections).
    ///   - staleAfter: Seconds without a byte after which the stream counts as dead and is made again.
    ///   - now: The clock (tests pin it).
    ///   - session: How introspection is called.
    public init(
        phoneAuth: URL, clientID: String, clientSecret: String, fallback: Fallback = .introspect(cacheFor: 5), tokenLifetime: TimeInterval = 1800,
        streamURL: URL? = nil, staleAfter: TimeInterval = 15, now: @escaping @Sendable () -> Date = { Date() }, session: URLSession = .shared
    ) {
        base = phoneAuth
        self.streamURL = streamURL ?? phoneAuth.appending(path: "auth/revocations")
        let escape = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
        authorization = "Basic " + Data("\(escape(clientID)):\(escape(clientSecret))".utf8).base64EncodedString()
        (self.fallback, self.tokenLifetime, self.staleAfter, self.now, self.session) = (fallback, tokenLifetime, staleAfter, now, session)
    }

    /// Starts holding the stream (again, after ``stop()``).
    public func start() {
        guard loop == nil else { return }
        loop = Task { await self.run() }
    }

    /// Closes the stream; every check falls back from then on.
    public func stop() {
        loop?.cancel()
        loop = nil
        caughtUp = false
    }

    /// How the stream stands now.
    public var status: Status {
        Status(isLive: isLive, lastEventID: lastEventID, revocations: list.count, connections: connections, lastProblem: lastProblem)
    }

    private var isLive: Bool { caughtUp && now().timeIntervalSince(lastHeard) < staleAfter }

    /// Throws unless `caller`'s token (`token`, as presented) is still good: refused when a revocation the stream
    /// delivered covers it; while the stream is down, as the fallback says.
    public func check(_ caller: PhoneAuthCaller, token: String) async throws(TokenRejection) {
        if isLive {
            if list.revokes(caller) { throw .revoked }
            return
        }
        guard case .introspect(let keep) = fallback else { throw .revocationUnknown }
        let at = now()
        if let answer = answers[token], answer.until > at {
            if !answer.active { throw .revoked }
            return
        }
        let active = try await introspect(token)
        if answers.count >= 10_000 { answers = answers.filter { $0.value.until > at } }
        if answers.count < 10_000 { answers[token] = (active, at.addingTimeInterval(keep)) }
        if !active { throw .revoked }
    }

    private func introspect(_ token: String) async throws(TokenRejection) -> Bool {
        var request = URLRequest(url: base.appending(path: "auth/introspect"))
        request.httpMethod = "POST"
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data("token=\(token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")".utf8)
        request.timeoutInterval = 5
        struct Answer: Decodable { var active: Bool }
        do {
            let (data, response) = try await session.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else { throw TokenRejection.revocationUnknown }
            return try JSONDecoder().decode(Answer.self, from: data).active
        } catch { throw .revocationUnknown }
    }

    private func run() async {
        var backoff: TimeInterval = 0.5
        while !Task.isCancelled {
            let started = now()
            await holdOneConnection()
            caughtUp = false
            // A stream that stayed up a while resets the backoff: only repeated failures slow the retries down.
            backoff = now().timeIntervalSince(started) > 30 ? 0.5 : min(backoff * 2, 10)
            try? await Task.sleep(for: .seconds(backoff))
        }
    }

    /// One connection, from its request until it ends, goes quiet for `staleAfter`, or the task is cancelled.
    private func holdOneConnection() async {
        var request = URLRequest(url: streamURL)
        request.setValue(authorization, forHTTPHeaderField: "Authorization")
        request.setValue("text/event-stream", forHTTPHeaderField: "Accept")
        if let lastEventID { request.setValue(String(lastEventID), forHTTPHeaderField: "Last-Event-ID") }
        connections += 1
        let connection = EventStreamConnection(request: request)
        lastHeard = now()
        let watchdog = Task { [staleAfter] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(min(5, staleAfter / 3)))
                if self.quietFor() > staleAfter {
                    self.noteProblem("no byte for \(Int(staleAfter)) seconds")
                    connection.cancel()
                    return
                }
            }
        }
        defer {
            watchdog.cancel()
            connection.cancel()
        }
        var parser = ServerSentEventParser()
        await withTaskCancellationHandler {
            for await chunk in connection.chunks {
                lastHeard = now()
                switch chunk {
                case .head(let status):
                    guard status == 200 else {
                        lastProblem = "the stream was answered \(status)"
                        return
                    }
                case .bytes(let data):
                    do {
                        for event in try parser.feed(data) { try apply(event) }
                    } catch {
                        lastProblem = "the stream sent what it should not (\(error)); connecting again"
                        return
                    }
                }
            }
            if lastProblem == nil || caughtUp { lastProblem = "the stream ended" }
        } onCancel: {
            connection.cancel()
        }
    }

    private func quietFor() -> TimeInterval { now().timeIntervalSince(lastHeard) }

    private func noteProblem(_ problem: String) { lastProblem = problem }

    private enum StreamFault: Error { case undecodable(String) }

    private func apply(_ event: ServerSentEventParser.Event) throws {
        switch event.name {
        case "reset":
            list.removeAll()
            caughtUp = false
        case "ready":
            caughtUp = true
            lastProblem = nil
        default:
            guard let revocation = try? JSONDecoder().decode(RevocationEvent.self, from: Data(event.data.utf8)) else {
                throw StreamFault.undecodable(event.name)
            }
            list.apply(revocation)
            lastEventID = revocation.id
            if now().timeIntervalSince(lastPrune) > 60 {
                lastPrune = now()
                list.prune(before: Int64((lastPrune.timeIntervalSince1970 - tokenLifetime - 300) * 1000))
            }
        }
    }
}
