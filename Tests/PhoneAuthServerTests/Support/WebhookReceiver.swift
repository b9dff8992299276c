import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PhoneAuthCore

/// A real HTTP server on 127.0.0.1 standing in for an SMS provider's webhook: `/ok` records and answers 200,
/// `/fail` answers 500, `/slow` waits 3 s before answering, `/latent` records and answers 200 after a second (a provider
/// that keeps its caller waiting).
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        var body: Data
        var signature: String?
    }

    /// One scripted answer of `/scripted`: wait, then answer with a status (and `Retry-After`).
    struct Answer: Sendable {
        var status: HTTPResponse.Status = .ok
        var retryAfter: Int?
        var delay: Duration = .zero
    }

    private let received = Locked<[Received]>([])
    private let script: Locked<[Answer]>
    private let scriptedCalls = Locked(0)

    init(script: [Answer] = []) {
        self.script = Locked(script)
    }

    var scriptedAttempts: Int { scriptedCalls.withLock { $0 } }
    private let slowArrivals = Locked(0)
    private let latentWaiting = Locked(0)

    /// `/latent` requests that arrived and have not been answered yet.
    var latentRequestsWaiting: Int { latentWaiting.withLock { $0 } }

    var messages: [Received] { received.withLock { $0 } }
    var slowRequestsArrived: Int { slowArrivals.withLock { $0 } }

    /// Runs the receiver on a free loopback port for the duration of `body`.
    @discardableResult
    func run<Value: Sendable>(_ body: @Sendable (_ baseURL: String) async throws -> Value) async throws -> Value {
        let router = Router()
        router.post("ok") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let entry = Received(body: Data(bytes.readableBytesView), signature: request.headers[.init("X-Signature")!])
            self.received.withLock { $0.append(entry) }
            return .ok
        }
        router.post("fail") { _, _ -> HTTPResponse.Status in .internalServerError }
        // Answers from the script in order, then 200; every request is recorded, even one answered late or with an error.
        router.post("scripted") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            self.received.withLock { $0.append(Received(body: Data(bytes.readableBytesView), signature: request.headers[.init("X-Signature")!])) }
            self.scriptedCalls.withLock { $0 += 1 }
            let answer = self.script.withLock { $0.isEmpty ? Answer() : $0.removeFirst() }
            try await Task.sleep(for: answer.delay)
            var headers = HTTPFields()
            if let retryAfter = answer.retryAfter { headers[.retryAfter] = String(retryAfter) }
            return Response(status: answer.status, headers: headers)
        }
        router.post("latent") { request, _ -> HTTPResponse.Status in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let entry = Received(body: Data(bytes.readableBytesView), signature: request.headers[.init("X-Signature")!])
            self.received.withLock { $0.append(entry) }
            self.latentWaiting.withLock { $0 += 1 }
            defer { self.latentWaiting.withLock { $0 -= 1 } }
            try await Task.sleep(for: .seconds(1))
            return .ok
        }
        router.post("slow") { _, _ -> HTTPResponse.Status in
            self.slowArrivals.withLock { $0 += 1 }
            try await Task.sleep(for: .seconds(3))
            return .ok
        }
        var logger = Logger(label: "webhook-receiver")
        logger.logLevel = .critical
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
        return try await app.test(.live) { client in
            try await body("http://127.0.0.1:\(client.port!)")
        }
    }

    /// The code of the last message to `e164`.
    func lastCode(to e164: String) -> String? {
        for message in messages.reversed() {
            guard let json = try? JSONSerialization.jsonObject(with: message.body) as? [String: String], json["to"] == e164,
                let match = json["body"]?.firstMatch(of: /[0-9]{6}/)
            else { continue }
            return String(match.output)
        }
        return nil
    }

    /// How many texts each number got.
    func textsByPhone() -> [String: Int] {
        messages.reduce(into: [:]) { counts, message in
            guard let json = try? JSONSerialization.jsonObject(with: message.body) as? [String: String], let to = json["to"] else { return }
            counts[to, default: 0] += 1
        }
    }

    /// The code inside the last recorded message body.
    var lastCode: String? {
        guard let last = messages.last,
            let json = try? JSONSerialization.jsonObject(with: last.body) as? [String: String],
            let text = json["body"], let match = text.firstMatch(of: /[0-9]{6}/)
        else { return nil }
        return String(match.output)
    }
}
