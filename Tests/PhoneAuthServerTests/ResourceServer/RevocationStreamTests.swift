import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthResourceServer
@testable import PhoneAuthServer

/// `GET /auth/revocations`: every revocation, from any writer of the database, reaches the app's services as an event,
/// in commit order, resumable by `Last-Event-ID`, for configured clients only.
@Suite struct RevocationStreamTests {
    static let credential = "orders-service:orders-secret-0123456789"
    static let authorization = "Basic " + Data(credential.utf8).base64EncodedString()

    static func harness(_ backend: Backend) async throws -> TestHarness {
        let harness = try await TestHarness.make(backend) { config in
            config.introspectionClients = try! IntrospectionClients(parsing: [credential])
        }
        harness.clock.set(Date())
        return harness
    }

    /// The ids of the log's events (of the types `types` names, when given).
    static func eventIDs(_ harness: TestHarness, types: [String] = []) async throws -> [Int64] {
        let filter = types.isEmpty ? "" : "WHERE type IN (\(types.map { "'\($0)'" }.joined(separator: ", ")))"
        return try await harness.sql.strings("SELECT CAST(id AS TEXT) AS text_id FROM auth_events \(filter) ORDER BY auth_events.id").compactMap {
            Int64($0)
        }
    }

    /// The ids of the revocations among `events` (`ready` repeats the last id, as SSE's last-event-id does).
    static func revocationIDs(_ events: [ServerSentEventParser.Event]) -> [Int64] {
        events.filter { !["reset", "ready"].contains($0.name) }.compactMap { $0.id.flatMap { Int64($0) } }
    }

    /// Reads events until one of `type`, and returns it.
    private func next(_ type: String, on stream: EventStreamReader) async throws -> ServerSentEventParser.Event {
        while true {
            let event = try await stream.next()
            if event.name == type { return event }
        }
    }

    @Test(arguments: Backend.all)
    func everyKindOfRevocationArrivesInCommitOrderWithWhatItEnds(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/auth/revocations"
            #expect(try await EventStreamReader(url: url, authorization: nil).status() == 401)
            let wrong = "Basic " + Data("orders-service:not-the-secret-0000".utf8).base64EncodedString()
            #expect(try await EventStreamReader(url: url, authorization: wrong).status() == 401)

            let admin = try await harness.signInAdmin(client, phone: "+13125550001")  // user 1
            let kg = try await harness.signIn(client, phone: "+996555100051")  // user 2
            _ = try await harness.signIn(client, phone: "+13125550152")  // user 3

            let stream = EventStreamReader(url: url, authorization: Self.authorization)
            defer { stream.close() }
            #expect(try await stream.status() == 200)
            // A subscriber with nothing to resume from starts from a reset, then hears it caught up.
            #expect(try await stream.events(through: "ready").map(\.name) == ["reset", "ready"])

            harness.clock.advance(by: 1)
            #expect(try await client.request(.post, "/auth/logout", token: kg).status == .noContent)
            let ended = try await next("session.ended", on: stream)
            #expect(ended.json["user_id"] as? Int == 2)
            #expect((ended.json["session_id"] as? String)?.isEmpty == false)
            #expect(ended.json["at_ms"] as? Int == Int(harness.clock.now.milliseconds))
            let firstID = try #require(ended.id.flatMap { Int64($0) })

            harness.clock.advance(by: 1)
            #expect(try await client.request(.patch, "/admin/users/3", json: ["role": "admin"], token: admin).status == .ok)
            #expect(try await next("user.role_changed", on: stream).json["user_id"] as? Int == 3)
            #expect(try await client.request(.post, "/admin/users/3/disable", token: admin).status == .ok)
            let banned = try await next("user.banned", on: stream)
            #expect(banned.json["user_id"] as? Int == 3)
            #expect(banned.json["session_id"] is NSNull)
            #expect(try await next("session.ended", on: stream).json["user_id"] as? Int == 3)
            #expect(try await client.request(.post, "/admin/markets/kg/force-logout", token: admin).status == .ok)
            let market = try await next("market.force_logout", on: stream)
            #expect(market.json["market"] as? String == "kg")
            #expect(market.json["user_id"] is NSNull)
            #expect(try await client.request(.post, "/admin/force-logout", token: admin).status == .ok)
            let everyone = try await next("everyone.force_logout", on: stream)
            #expect(everyone.json["market"] is NSNull)

            // Another process writing the database (the operator CLI) reaches the stream the same way.
            let cli = try await CLIRunner.run(["admin", "force-logout", "--user", "2", "--database", harness.databaseURL], binary: "PhoneAuthServer")
            #expect(cli.status == 0)
            let byCLI = try await next("user.force_logout", on: stream)
            #expect(byCLI.json["user_id"] as? Int == 2)

            // The log holds the same, in the same order, beside the sign-ins (which are not revocations: webhooks').
            #expect(try await Self.eventIDs(harness, types: ["user.created"]).count == 3)
            let ids = try await Self.eventIDs(harness)
            #expect(ids == ids.sorted() && ids.contains(firstID))
            #expect(Int64(byCLI.id ?? "") == ids.last)
        }
    }

    @Test(arguments: Backend.all)
    func aReconnectResumesExactlyAfterItsLastEventAndAnIdTheLogNoLongerHoldsResets(backend: Backend) async throws {
        let harness = try await Self.harness(backend)
        try await harness.test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/auth/revocations"
            let admin = try await harness.signInAdmin(client, phone: "+13125550001")
            for market in ["kg", "kg", "kg"] {
                harness.clock.advance(by: 1)
                #expect(try await client.request(.post, "/admin/markets/\(market)/force-logout", token: admin).status == .ok)
            }
            let ids = try await Self.eventIDs(harness, types: ["market.force_logout"])
            try #require(ids.count == 3)

            let resumed = EventStreamReader(url: url, authorization: Self.authorization, lastEventID: ids[0])
            defer { resumed.close() }
            let after = try await resumed.events(through: "ready")
            #expect(after.map(\.name) == ["market.force_logout", "market.force_logout", "ready"])  // no reset, nothing repeated
            #expect(Self.revocationIDs(after) == Array(ids[1...]))

            // The first event pruned (as housekeeping does after a day): resuming after it could lose what lay between.
            try await harness.sql.execute("DELETE FROM auth_events WHERE id = \(ids[0])")
            let pruned = EventStreamReader(url: url, authorization: Self.authorization, lastEventID: ids[0])
            defer { pruned.close() }
            let replay = try await pruned.events(through: "ready")
            #expect(replay.first?.name == "reset")
            #expect(replay.first?.json["replay_since_ms"] as? Int == Int(harness.clock.now.addingTimeInterval(-2_100).milliseconds))
            #expect(Self.revocationIDs(replay) == Array(ids[1...]))  // every revocation that still matters

            // An id above anything the log gave out (another database, a restore): a reset too.
            let foreign = EventStreamReader(url: url, authorization: Self.authorization, lastEventID: 9_999_999)
            defer { foreign.close() }
            #expect(try await foreign.next().name == "reset")
            // The latest id itself resumes with nothing to send.
            let current = EventStreamReader(url: url, authorization: Self.authorization, lastEventID: ids[2])
            defer { current.close() }
            #expect(try await current.next().name == "ready")
        }
    }

    @Test func aDrainingInstanceEndsItsStreamsAndRefusesNewOnes() async throws {
        let harness = try await Self.harness(.sqlite)
        var dependencies = harness.dependencies
        let readiness = Readiness()
        dependencies.readiness = readiness
        try await harness.app(dependencies).test(.live) { client in
            let url = "http://127.0.0.1:\(client.port!)/auth/revocations"
            let stream = EventStreamReader(url: url, authorization: Self.authorization)
            defer { stream.close() }
            _ = try await stream.events(through: "ready")
            readiness.beginDraining()
            #expect(await stream.ends(within: .seconds(3)))
            let refused = EventStreamReader(url: url, authorization: Self.authorization)
            defer { refused.close() }
            #expect(try await refused.status() == 503)
        }
    }

    @Test func aQuietStreamSendsKeepalives() async throws {
        let harness = try await Self.harness(.sqlite)
        try await harness.test(.live) { client in
            let stream = EventStreamReader(url: "http://127.0.0.1:\(client.port!)/auth/revocations", authorization: Self.authorization)
            defer { stream.close() }
            _ = try await stream.events(through: "ready")
            try await Task.sleep(for: .seconds(6))
            #expect(stream.keepalives >= 1)
        }
    }
}
