import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The operator console: who gets in and for how long, CSRF on every form, actions through the admin API's own
/// implementation (audited as the console's), and pages that show user-controlled text as text.
@Suite struct ConsoleTests {
    static let admin = "+13125550001"
    static let member = "+996555123456"

    /// An admin signed in to the console, a member signed in to the app (user 2) with a live token.
    static func operatorAndMember(
        _ harness: TestHarness, _ client: some TestClientProtocol
    ) async throws
        -> (console: ConsoleClient, member: (access: String, refresh: String))
    {
        _ = try await harness.signInAdmin(client, phone: admin)
        let member = try await harness.signInGrant(client, phone: Self.member, userAgent: "Shop/2.1 (iPhone)")
        let console = ConsoleClient(client)
        harness.clock.advance(by: 61)  // past the resend cooldown, where a test turns it on
        let signedIn = try await console.signIn(phone: admin, harness: harness)
        #expect(signedIn.status == .seeOther)
        #expect(signedIn.location == "/console")
        return (console, member)
    }

    @Test(arguments: Backend.all)
    func anOperatorSignsInWithACodeAndEveryPageRenders(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            #expect(try await ConsoleClient(client).get("/console").location == "/console/login")
            let (console, _) = try await Self.operatorAndMember(harness, client)
            let cookies = console.setCookieHeaders.filter { $0.hasPrefix(ConsoleSession.accessCookie + "=") }
            let access = try #require(cookies.last)
            for attribute in ["HttpOnly", "SameSite=Strict", "Path=/console", "Max-Age=\(Int(harness.config.console.absolute.seconds))"] {
                #expect(access.contains(attribute), "\(attribute) in \(access)")
            }
            #expect(!access.contains("Secure"))  // plain HTTP here; TLSTests-style servers set it
            // The console session is a real session of the admin, opened by the browser.
            let sessions = try await harness.sql.sessions().filter { $0.userID == 1 && $0.userAgent == console.userAgent }
            #expect(sessions.count == 1)

            for (path, heading) in [
                ("/console", "Overview"), ("/console?window=hour", "Overview"), ("/console?window=week", "Overview"),
                ("/console/fraud", "Fraud: number ranges"), ("/console/users", "Users"), ("/console/users/2", "(no name)"),
                ("/console/markets", "Markets"), ("/console/audit", "Audit log"),
            ] {
                let page = try await console.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.headers[.cacheControl] == "no-store")
                #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                #expect(page.text.contains("<h1>\(heading)</h1>"), "\(path)")
                #expect(page.text.contains("aria-current=\"page\""))
            }
            // However the path is spelt, a page the router serves carries the console's headers (`//console/users`
            // was served without its CSP and framing ban), and an API path its no-store.
            for path in ["//console/users", "/console//users", "///console/audit"] {
                let page = try await console.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.headers[.contentSecurityPolicy] == SecurityHeadersMiddleware<AppRequestContext>.consolePolicy, "\(path)")
                #expect(page.headers[.init("X-Frame-Options")!] == "DENY", "\(path)")
                #expect(page.headers[.cacheControl] == "no-store", "\(path)")
            }
            #expect(try await console.get("//api/v1/markets").headers[.cacheControl] == "no-store")
            let css = try await console.get("/console/assets/console.css")
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await console.get("/console?window=year").status == .badRequest)
            #expect(try await console.get("/console/users/99").status == .notFound)

            // Signing out ends that session on the server, not just the cookie.
            let out = try await console.post("/console/logout")
            #expect(out.status == .seeOther && out.location == "/console/login?notice=signed-out")
            #expect(console.cookies[ConsoleSession.accessCookie] == nil)
            let ended = try await harness.sql.sessions().first { $0.id == sessions[0].id }
            #expect(ended?.revokedAt != nil)
            #expect(try await console.get("/console").location == "/console/login")
        }
    }

    @Test func behindATrustedTLSProxyTheCookiesAreSecureAndUnknownPagesArePages() async throws {
        let harness = try TestHarness { $0.limits.trustedProxies = ["127.0.0.1"] }
        try await harness.test(.live) { client in
            let proto = HTTPField.Name("X-Forwarded-Proto")!
            let behindProxy = try await client.execute(uri: "/console/login", method: .get, headers: [proto: "https"], body: nil)
            #expect(behindProxy.headers[values: .setCookie].allSatisfy { $0.contains("; Secure") })
            let direct = try await client.execute(uri: "/console/login", method: .get, headers: [:], body: nil)
            #expect(direct.headers[values: .setCookie].allSatisfy { !$0.contains("Secure") })
            let (console, _) = try await Self.operatorAndMember(harness, client)
            let missing = try await console.get("/console/nothing/here")
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "text/html; charset=utf-8")
            #expect(missing.text.contains("There is no such page in the console."))
        }
    }

    @Test func aUserWithoutTheAdminRoleIsRefusedAndTheirConsoleSessionEnds() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let console = ConsoleClient(client)
            let refused = try await console.signIn(phone: Self.member, harness: harness)
            #expect(refused.status == .forbidden)
            #expect(refused.text.contains("Only users with the admin role can use the console."))
            #expect(console.cookies[ConsoleSession.accessCookie] == nil)
            let sessions = try await harness.sql.sessions()
            #expect(sessions.count == 1 && sessions[0].revokedAt != nil)
            #expect(try await console.get("/console").location == "/console/login")
        }
    }

    @Test func aDemotedOrBannedOperatorIsOutOnTheNextPage() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            // Demoted by another door (the CLI's SQL): the next page refuses and ends the console session.
            harness.clock.advance(by: 1)
            try await harness.sql.execute(
                "UPDATE users SET role = 'user', permissions_updated_at = ? WHERE id = 1", dates: [harness.clock.now])
            harness.clock.advance(by: 1)
            let demoted = try await console.get("/console/fraud")
            #expect(demoted.status == .forbidden)
            #expect(console.cookies[ConsoleSession.accessCookie] == nil)

            try await harness.sql.execute("UPDATE users SET role = 'admin' WHERE id = 1")
            let again = ConsoleClient(client)
            harness.clock.advance(by: 61)
            #expect(try await again.signIn(phone: Self.admin, harness: harness).status == .seeOther)
            try await harness.sql.execute(
                "UPDATE users SET disabled_at = ?, tokens_valid_after = ?, disabled_reason = 'x' WHERE id = 1",
                dates: [harness.clock.now, harness.clock.now])
            harness.clock.advance(by: 1)
            let banned = try await again.get("/console")
            #expect(banned.location == "/console/login?notice=session-ended")
            #expect(again.cookies[ConsoleSession.accessCookie] == nil)
        }
    }

    @Test func anExpiredAccessTokenIsRenewedFromTheSessionWithoutSigningInAgain() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            let first = try #require(console.cookies[ConsoleSession.accessCookie])
            harness.clock.advance(by: 31 * 60)
            let page = try await console.get("/console/markets")
            #expect(page.status == .ok)
            #expect(try #require(console.cookies[ConsoleSession.accessCookie]) != first)
        }
    }

    @Test(arguments: Backend.all)
    func aFormWithoutThisSessionsCSRFTokenIsRefusedAndChangesNothing(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (console, member) = try await Self.operatorAndMember(harness, client)
            try await console.get("/console/users/2")
            let tokens: [String?] = [nil, "forged", String(try #require(console.csrf).reversed())]
            for token in tokens {
                let refused = try await console.post("/console/users/2/ban", ["reason": "spam"], csrf: .some(token))
                #expect(refused.status == .forbidden)
                #expect(refused.text.contains("This form did not come from this console session."))
            }
            // Another operator's token does not work in this session.
            let other = ConsoleClient(client, userAgent: "Other/1.0")
            harness.clock.advance(by: 61)
            _ = try await other.signIn(phone: Self.admin, harness: harness)
            try await other.get("/console/users/2")
            #expect(try await console.post("/console/users/2/ban", ["reason": "spam"], csrf: .some(other.csrf)).status == .forbidden)
            // The sign-in form needs the form cookie's token too.
            let stranger = ConsoleClient(client)
            #expect(try await stranger.post("/console/login", ["phone": Self.admin], csrf: .some("guess")).status == .forbidden)

            #expect(try await harness.sql.int("SELECT count(*) FROM users WHERE disabled_at IS NOT NULL") == 0)
            #expect(try await harness.sql.int("SELECT count(*) FROM audit_log") == 0)
            #expect(try await client.request(.get, "/api/v1/profile", token: member.access).status == .ok)
        }
    }

    @Test(arguments: Backend.all)
    func everyConsoleActionTakesEffectOnTheNextRequestAndIsAudited(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (console, member) = try await Self.operatorAndMember(harness, client)
            let session = try #require(try await harness.sql.sessions().first { $0.userID == 2 }?.id)
            try await console.get("/console/users/2")
            #expect(console.html.contains("Shop/2.1 (iPhone)"))
            let revoked = try await console.post("/console/users/2/sessions/\(session)/revoke")
            #expect(revoked.status == .seeOther && revoked.location == "/console/users/2?notice=session-revoked")
            #expect(try await client.request(.get, "/api/v1/profile", token: member.access).status == .unauthorized)
            #expect(try await console.post("/console/users/2/sessions/\(session)/revoke").status == .notFound)

            try await console.get("/console/users/2")
            #expect(try await console.post("/console/users/2/ban", ["reason": ""]).status == .badRequest)
            #expect(try await console.post("/console/users/2/ban", ["reason": "card testing"]).location == "/console/users/2?notice=banned")
            let page = try await console.get("/console/users/2?notice=banned")
            #expect(page.text.contains("The user is banned"))
            #expect(page.text.contains("card testing"))
            #expect(try await console.post("/console/users/2/unban").status == .seeOther)
            #expect(try await console.post("/console/users/2/role", ["role": "admin"]).location == "/console/users/2?notice=promoted")
            #expect(try await console.post("/console/users/2/role", ["role": "owner"]).status == .badRequest)
            #expect(try await console.post("/console/users/2/force-logout").status == .seeOther)
            #expect(try await console.post("/console/users/9/force-logout").status == .notFound)
            try await console.get("/console/markets")
            #expect(try await console.post("/console/markets/kg/force-logout").location == "/console/markets?notice=market-logged-out")
            #expect(try await console.post("/console/markets/zz/force-logout").status == .notFound)

            let stored = try await harness.sql.strings("SELECT action || ' ' || target || ' ' || via FROM audit_log ORDER BY id")
            #expect(
                stored == [
                    "session.revoke user:2 console", "user.ban user:2 console", "user.unban user:2 console", "user.promote user:2 console",
                    "force_logout user:2 console", "force_logout market:kg console",
                ])
            #expect(try await harness.sql.int("SELECT count(*) FROM audit_log WHERE operator_id = 1") == 6)
            let audit = try await console.get("/console/audit?target=user:2")
            #expect(audit.text.components(separatedBy: "<td class=\"action\">").count - 1 == 5)
            #expect(audit.text.contains("card testing"))
            #expect(try await console.get("/console/audit?operator=abc").status == .badRequest)
        }
    }

    @Test func blockingARangeOnTheFraudPageStopsItsCodes() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            try await console.get("/console/fraud")
            #expect(console.html.contains("data-range=\"+996555\""))
            let bad = try await console.post("/console/fraud/block", ["range": "+99", "reason": "pumping"])
            #expect(bad.status == .badRequest)
            #expect(bad.text.contains("value=\"+99\"") && bad.text.contains("value=\"pumping\""))
            let blocked = try await console.post("/console/fraud/block", ["range": "+996 555", "reason": "pumping <b>wave</b>"])
            #expect(blocked.location == "/console/fraud?notice=range-blocked")
            let sent = try await client.request(.post, "/auth/send-code", json: ["phone": "+996555999888"])
            #expect(sent.status == .forbidden && sent.errorCode == "phone_not_allowed")
            let page = try await console.get("/console/fraud")
            #expect(page.text.contains("pumping &lt;b&gt;wave&lt;/b&gt;"))
            #expect(page.text.contains("<tr data-block=\"+996555\"><td>+996555</td><td>by user 1</td>"))
            // A range blocked before it sent anything is listed too, so it can be lifted.
            #expect(try await console.post("/console/fraud/block", ["range": "+1415", "reason": "ahead of a wave"]).status == .seeOther)
            #expect(try await console.get("/console/fraud").text.contains("data-block=\"+1415\""))
            #expect(try await console.post("/console/fraud/unblock", ["range": "+996555"]).location == "/console/fraud?notice=range-unblocked")
            #expect(try await console.post("/console/fraud/unblock", ["range": "+996555"]).location == "/console/fraud?notice=range-not-blocked")
            #expect(try await client.request(.post, "/auth/send-code", json: ["phone": "+996555999888"]).status == .accepted)
            #expect(
                try await harness.sql.strings("SELECT action || ' ' || target FROM audit_log ORDER BY id") == [
                    "range.block range:+996555", "range.block range:+1415", "range.unblock range:+996555",
                ])
        }
    }

    @Test func oneRangeIsLookedUpOnTheFraudPageAlsoWhenItIsQuiet() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            let own = try await console.get("/console/fraud?lookup=%2B996+555")  // "+996 555", as a GET form sends it
            #expect(own.status == .ok)
            #expect(own.text.contains("<h2>Range +996555</h2>") && own.text.contains(#"<a href="/console/fraud">All ranges</a>"#))
            #expect(own.text.matches(of: /data-range="/).count == 1 && own.text.contains(#"data-range="+996555""#))
            let quiet = try await console.get("/console/fraud?lookup=1415")
            #expect(quiet.status == .ok && quiet.text.contains(#"data-range="+1415""#))
            #expect(quiet.text.contains(#"<span class="state open">open</span>"#))
            let bad = try await console.get("/console/fraud?lookup=%2B44")
            #expect(bad.status == .badRequest && bad.text.contains("configured calling code") && bad.text.contains("No such range."))
            #expect(bad.text.contains(#"value="+44""#))
        }
    }

    @Test func usersAreFoundByAnySpellingOfTheirPhoneOrByID() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            for query in ["+996 (555) 12-34-56", "00996555123456", "+996555123456", "2"] {
                let found = try await console.get("/console/users?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                #expect(found.location == "/console/users/2", "\(query)")
            }
            // As a browser's GET form sends it: spaces as "+", the plus as "%2B".
            #expect(try await console.get("/console/users?q=%2B996+%28555%29+12-34-56").location == "/console/users/2")
            let missing = try await console.get("/console/users?q=%2B13125559999")
            #expect(missing.status == .notFound && missing.text.contains("No user has the phone number or id +13125559999, or a name"))
        }
    }

    @Test(arguments: Backend.all)
    func aPieceOfANameOrNumberListsTheMatchingUsersNewestSignInFirst(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)  // the admin (+1312555…) and the member
            harness.clock.advance(by: 1)
            let newest = "+13125550177"
            _ = try await harness.signIn(client, phone: newest)
            try await harness.sql.execute("UPDATE users SET full_name = 'Aida Bekova' WHERE phone_number = '\(Self.member)'")
            try await harness.sql.execute("UPDATE users SET full_name = 'Bakyt 100% Aidarov' WHERE phone_number = '\(newest)'")
            var ids: [String: String] = [:]  // PostgreSQL's ids need not be 1, 2, 3
            for phone in [Self.admin, Self.member, newest] {
                ids[phone] = String(try await harness.sql.int("SELECT id FROM users WHERE phone_number = '\(phone)'"))
            }
            func listed(_ query: String) async throws -> (status: HTTPResponse.Status, phones: [String]) {
                let page = try await console.get("/console/users?q=\(query.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
                let listed = page.text.matches(of: /data-user="(\d+)"/).map { String($0.output.1) }
                return (page.status, listed.map { id in ids.first { $0.value == id }?.key ?? id })
            }
            #expect(try await listed("aida") == (.ok, [newest, Self.member]))  // any case, the newest sign-in first
            #expect(try await listed("BEKOVA") == (.ok, [Self.member]))
            #expect(try await listed("312 555") == (.ok, [newest, Self.admin]))  // digits of a number, in any spelling
            #expect(try await listed("0%") == (.ok, [newest]))  // a percent sign is only itself
            #expect(try await listed("_a") == (.notFound, []))  // and so is an underscore
            #expect(try await listed("x") == (.badRequest, []))
            #expect(try await listed("9") == (.notFound, []))  // a whole id, of nobody
            #expect(try await listed(String(repeating: "ab", count: 51)) == (.badRequest, []))
            let page = try await console.get("/console/users?q=aida")
            #expect(page.text.contains(#"<a href="/console/users/\#(ids[Self.member]!)">Aida Bekova</a>"#))
            #expect(page.text.contains("Bakyt 100% Aidarov") && page.text.contains("+13125550177"))
        }
    }
}

extension ConsoleTests {
    /// The console shows each webhook endpoint with how delivery stands and its dead letters, and sends one again.
    @Test func theWebhooksPageShowsDeadLettersAndSendsOneAgain() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, _) = try await Self.operatorAndMember(harness, client)
            #expect(try await console.get("/console/webhooks").text.contains("No webhook endpoints are configured."))
            try await harness.sql.execute(
                """
                INSERT INTO webhook_endpoints (url, events, secret, cursor, attempts, failing_since, last_error, created_at, updated_at)
                VALUES ('https://billing.example/hooks', 'user.banned', 'whsec_\(Data(repeating: 7, count: 32).base64EncodedString())', 0, 2,
                ?, 'answered 503', ?, ?)
                """, dates: [harness.clock.now, harness.clock.now, harness.clock.now])
            try await harness.sql.execute(
                """
                INSERT INTO webhook_dead_letters (endpoint_id, event_id, type, body, attempts, last_error, failed_at)
                VALUES (1, 41, 'user.banned', '{}', 9, 'answered <500>', ?)
                """, dates: [harness.clock.now])
            let page = try await console.get("/console/webhooks")
            #expect(page.text.contains("1: https://billing.example/hooks"))
            #expect(page.text.contains("failing since"))
            #expect(page.text.contains("answered &lt;500&gt;"))
            #expect(page.text.contains("action=\"/console/webhooks/1/dead-letters/1/retry\""))
            let sent = try await console.post("/console/webhooks/1/dead-letters/1/retry")
            #expect(sent.location == "/console/webhooks?notice=webhook-retry")
            #expect(try await console.post("/console/webhooks/1/dead-letters/1/retry").location == "/console/webhooks?notice=webhook-not-retried")
            #expect(try await console.post("/console/webhooks/1/dead-letters/1/retry", csrf: .some(nil)).status == .forbidden)
            #expect(try await console.get("/console/webhooks").text.contains("being sent again"))
            #expect(
                try await harness.sql.strings("SELECT action || ' ' || target || ' ' || via FROM audit_log") == ["webhook.retry webhook:1 console"])
        }
    }
}
