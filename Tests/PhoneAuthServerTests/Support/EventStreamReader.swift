import Foundation
import PhoneAuthCore
import Testing

@testable import PhoneAuthResourceServer

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads a Server-Sent Events answer the way the resource-server kit does (its connection and parser), collecting
/// the events for a test to take one by one.
final class EventStreamReader: Sendable {
    private struct Received {
        var status: Int?
        var events: [ServerSentEventParser.Event] = []
        var comments = 0
        var ended = false
    }

    private let connection: EventStreamConnection
    private final class Box: Sendable {
        let received = Locked(Received())
    }

    private let box = Box()
    private let pump: Task<Void, Never>

    init(url: String, authorization: String?, lastEventID: Int64? = nil) {
        var request = URLRequest(url: URL(string: url)!)
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        if let lastEventID { request.setValue(String(lastEventID), forHTTPHeaderField: "Last-Event-ID") }
        let connection = EventStreamConnection(request: request)
        self.connection = connection
        let box = self.box
        pump = Task {
            var parser = ServerSentEventParser()
            for await chunk in connection.chunks {
                switch chunk {
                case .head(let status): box.received.withLock { $0.status = status }
                case .bytes(let data):
                    let events = (try? parser.feed(data)) ?? []
                    let comments = String(decoding: data, as: UTF8.self).components(separatedBy: ": keepalive").count - 1
                    box.received.withLock {
                        $0.events += events
                        $0.comments += comments
                    }
                }
            }
            box.received.withLock { $0.ended = true }
        }
    }

    deinit { close() }

    func close() {
        connection.cancel()
        pump.cancel()
    }

    /// The answer's status, once its head arrived.
    func status(within limit: Duration = .seconds(5)) async throws -> Int {
        try await waitFor(limit, "a response head") { $0.status }
    }

    /// The next event, within `limit`.
    func next(within limit: Duration = .seconds(5)) async throws -> ServerSentEventParser.Event {
        try await waitFor(limit, "an event") { received in
            received.events.isEmpty ? nil : received.events.removeFirst()
        }
    }

    /// Events up to and including the first named `name`.
    func events(through name: String, within limit: Duration = .seconds(5)) async throws -> [ServerSentEventParser.Event] {
        var taken: [ServerSentEventParser.Event] = []
        while true {
            let event = try await next(within: limit)
            taken.append(event)
            if event.name == name { return taken }
        }
    }

    /// Whether the stream ended within `limit`.
    func ends(within limit: Duration) async -> Bool {
        (try? await waitFor(limit, "the end") { $0.ended ? true : nil }) ?? false
    }

    var keepalives: Int { box.received.withLock { $0.comments } }

    private func waitFor<T: Sendable>(_ limit: Duration, _ what: String, _ take: (inout Received) -> T?) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if let value = box.received.withLock({ take(&$0) }) { return value }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw StreamTimeout(what: what)
    }

    struct StreamTimeout: Error, CustomStringConvertible {
        var what: String
        var description: String { "no \(what) on the stream in time" }
    }
}

extension ServerSentEventParser.Event {
    /// The data as JSON.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]) ?? [:]
    }
}
