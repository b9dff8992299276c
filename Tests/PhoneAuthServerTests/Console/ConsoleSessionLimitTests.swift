import Foundation
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// An operator's console sign-in ends after 12 hours without a page and 7 days after sign-in, whatever the app's
/// session lifetimes (30 days sliding, 90 absolute): on the server, so a copied cookie dies with it.
@Suite struct ConsoleSessionLimitTests {
    @Test(arguments: Backend.all)
    func twelveHoursWithoutAPageEndTheConsoleSession(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)
            harness.clock.advance(by: 11 * 3_600)
            #expect(try await console.get("/console/markets").status == .ok, "11 hours idle is still signed in")
            let stolen = try #require(console.cookies[ConsoleSession.refreshCookie])
            harness.clock.advance(by: 12 * 3_600 + 1)
            let ended = try await console.get("/console/markets")
            #expect(ended.status == .seeOther)
            #expect(ended.location == "/console/login?notice=session-ended")
            let session = try #require(try await harness.sql.sessions().first { $0.userAgent == console.userAgent })
            #expect(session.revokedAt != nil)
            #expect(!session.isActive)
            // The refresh token it held is dead for the API as well.
            #expect(try await client.request(.post, "/auth/refresh", json: ["refresh_token": stolen]).status == .unauthorized)
        }
    }

    @Test func sevenDaysAfterSignInEndTheConsoleSessionHoweverBusy() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)
            for _ in 0..<14 {  // a page every 11.5 hours: never idle, 6.7 days in all
                harness.clock.advance(by: 11 * 3_600 + 1_800)
                #expect(try await console.get("/console").status == .ok)
            }
            harness.clock.advance(by: 7 * 3_600 + 1_800)
            #expect(try await console.get("/console").location == "/console/login?notice=session-ended")
        }
    }

    @Test func theLimitsAreConfigurable() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("limits-\(UUID().uuidString).sqlite").path
        let config = try ServeOptions.parse(["--database", folder, "--console-idle-hours", "0.5"])
            .resolve(environment: ["PHONEAUTH_CONSOLE_SESSION_DAYS": "1"])
        #expect(config.console == ConsoleSessionLimits(idle: .seconds(1_800), absolute: .days(1)))
        #expect(AppConfig.testing.console == ConsoleSessionLimits(idle: .seconds(43_200), absolute: .days(7)))
        #expect(throws: ConfigError.self) { try ServeOptions.parse(["--database", folder, "--console-idle-hours", "0"]).resolve(environment: [:]) }
    }
}
