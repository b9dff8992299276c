import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Requests that are not what a JSON API expects, and connections that stall (issue 10, finding 5).
@Suite struct HTTPHardeningTests {
    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/jsonx"])
    func aBodyDeclaredAsSomethingElseThanJSONIs415(contentType: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.execute(
                uri: "/auth/send-code", method: .post, headers: [.contentType: contentType], body: .init(string: #"{"phone":"+13125550100"}"#))
            #expect(response.status == .unsupportedMediaType)
            #expect(response.errorCode == "unsupported_media_type")
        }
        #expect(harness.sms.sent.isEmpty)
    }

    @Test(arguments: ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/merge-patch+json"])
    func jsonInAnySpellingIsAccepted(contentType: String) async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let response = try await client.execute(
                uri: "/auth/send-code", method: .post, headers: [.contentType: contentType], body: .init(string: #"{"phone":"+13125550100"}"#))
            #expect(response.status == .accepted)
        }
    }

    @Test func headersOverSixteenKiBInAllAre431() async throws {
        let harness = try TestHarness()
        try await harness.test(.live) { client in
            let big: HTTPFields = [
                HTTPField.Name("X-Padding")!: String(repeating: "a", count: 9 * 1024),
                HTTPField.Name("X-More")!: String(repeating: "b", count: 8 * 1024),
            ]
            let refused = try await client.execute(uri: "/health", method: .get, headers: big)
            #expect(refused.status == .requestHeaderFieldsTooLarge)
            #expect(refused.errorCode == "request_header_fields_too_large")
            let fine: HTTPFields = [HTTPField.Name("X-Padding")!: String(repeating: "a", count: 15 * 1024)]
            #expect(try await client.execute(uri: "/health", method: .get, headers: fine).status == .ok)
        }
    }

    private static func timeoutHarness() throws -> TestHarness {
        try TestHarness { config in
            config.readTimeout = .milliseconds(400)
            config.idleTimeout = .milliseconds(800)
        }
    }

    @Test func aClientThatStopsMidBodyIsDroppedAfterTheReadTimeout() async throws {
        let harness = try Self.timeoutHarness()
        try await harness.test(.live) { client in
            let connection = try RawConnection(port: client.port!)
            connection.send("POST /auth/send-code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"ph")
            let (text, closed) = await connection.readUntilClosed(limit: 5)
            #expect(closed)
            #expect(text.isEmpty)
        }
        #expect(harness.sms.sent.isEmpty)
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeoutButServesWhileInUse() async throws {
        let harness = try Self.timeoutHarness()
        try await harness.test(.live) { client in
            let connection = try RawConnection(port: client.port!)
            let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            connection.send(request)
            // Two requests on one connection, the second after more than the read timeout but less than the idle one.
            try await Task.sleep(for: .milliseconds(500))
            connection.send(request)
            let (text, closed) = await connection.readUntilClosed(limit: 5)
            #expect(closed)
            #expect(text.components(separatedBy: "HTTP/1.1 200").count == 3)
        }
    }

    /// A body trickled a byte at a time, each byte within the read timeout: the whole request still has to arrive
    /// within the request timeout, or the connection goes (it used to last as long as the trickle, ~22 h for 16 kB).
    @Test func aTrickledBodyIsDroppedAtTheRequestTimeoutThoughEveryByteCameInTime() async throws {
        let harness = try TestHarness { config in
            config.readTimeout = .milliseconds(400)
            config.requestTimeout = .milliseconds(1_200)
        }
        try await harness.test(.live) { client in
            let connection = try RawConnection(port: client.port!)
            connection.send("POST /auth/send-code HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n")
            let started = ContinuousClock.now
            let trickle = Task {
                for byte in String(repeating: " ", count: 400) {
                    try await Task.sleep(for: .milliseconds(200))
                    connection.send(String(byte))
                }
            }
            let (text, closed) = await connection.readUntilClosed(limit: 10)
            trickle.cancel()
            #expect(closed)
            #expect(text.isEmpty)
            #expect(ContinuousClock.now - started < .seconds(5))
        }
        #expect(harness.sms.sent.isEmpty)
    }

    /// One address cannot hold more than its share of sockets; a trusted proxy (every client behind it) can, and a
    /// closed connection gives its place back.
    @Test func connectionsPerAddressAreCappedButNotForTrustedProxies() async throws {
        let capped = try TestHarness { $0.maxConnectionsPerAddress = 3 }
        try await capped.test(.live) { client in
            let health = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
            var held = try (0..<3).map { _ in try RawConnection(port: client.port!) }
            try await Task.sleep(for: .milliseconds(200))
            let fourth = try RawConnection(port: client.port!)
            fourth.send(health)
            let (refused, closed) = await fourth.readUntilClosed(limit: 5)
            #expect(closed)
            #expect(refused.isEmpty)
            held.removeAll()  // closed: their places are free again
            try await Task.sleep(for: .milliseconds(200))
            let later = try RawConnection(port: client.port!)
            later.send(health)
            #expect(await later.readUntilClosed(limit: 5).text.hasPrefix("HTTP/1.1 200"))
        }
        let proxied = try TestHarness { config in
            config.maxConnectionsPerAddress = 3
            config.limits.trustedProxies = ["127.0.0.1"]
        }
        try await proxied.test(.live) { client in
            let held = try (0..<5).map { _ in try RawConnection(port: client.port!) }
            try await Task.sleep(for: .milliseconds(200))
            let sixth = try RawConnection(port: client.port!)
            sixth.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            #expect(await sixth.readUntilClosed(limit: 5).text.hasPrefix("HTTP/1.1 200"))
            withExtendedLifetime(held) {}
        }
    }

    @Test func aConnectionThatNeverSendsAnythingIsClosedAfterTheIdleTimeout() async throws {
        let harness = try Self.timeoutHarness()
        try await harness.test(.live) { client in
            let connection = try RawConnection(port: client.port!)
            let (text, closed) = await connection.readUntilClosed(limit: 5)
            #expect(closed)
            #expect(text.isEmpty)
        }
    }
}
