import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The console's view models: the overview's numbers are the database's, charts are drawn from them, and every
/// user-controlled string reaches the page as text.
@Suite struct ConsoleViewModelTests {
    /// Delivery rate, time to delivery, conversion and spend per channel and market come from the delivery log.
    @Test(arguments: Backend.all)
    func theDeliveryTableIsTheDeliveryLogs(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { $0.channels = ChannelPlan(["kg": [.telegram, .sms]]) }
        try await harness.test { client in
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)
            for n in 1...2 { _ = try await harness.sendCode(client, phone: "+99655570001\(n)") }
            _ = try await harness.signIn(client, phone: "+996555700013")
            let sentAt = harness.clock.now
            // The providers' receipts, as applied: the first delivered after 3 s, the second failed.
            try await harness.sql.execute(
                """
                UPDATE deliveries SET state = 'delivered', delivered_at = ? WHERE phone_number = '+996555700011'
                """, dates: [sentAt.addingTimeInterval(3)])
            try await harness.sql.execute(
                "UPDATE deliveries SET state = 'failed', failed_at = ?, error_code = 'expired' WHERE phone_number = '+996555700012'",
                dates: [sentAt.addingTimeInterval(30)])
            let page = try await console.get("/console?window=hour")
            #expect(page.status == .ok)
            let row = try #require(page.text.range(of: "data-delivery=\"telegram-kg\"")).upperBound
            let cells = String(page.text[row...].prefix(400))
                .components(separatedBy: "</tr>")[0].replacingOccurrences(of: "\n", with: "")
            // Four Kyrgyz codes by Telegram (the console's member and these three), one delivered after 3 s, one
            // failed; two of the numbers signed in; $0.01 each.
            #expect(cells == "><td>telegram</td><td>kg</td><td>4</td><td>1</td><td>25.0 %</td><td>1</td><td>3.0 s</td><td>50.0 %</td><td>$0.04</td>")
            #expect(try await harness.sql.int("SELECT COUNT(*) FROM deliveries WHERE verified_at IS NOT NULL AND channel = 'telegram'") == 2)
        }
    }

    @Test(arguments: Backend.all)
    func theOverviewsNumbersMatchTheStoredRows(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { config in
            config.limits.resendCooldown = .seconds(60)
            // The week-later look below is by the same sign-in (ConsoleSessionLimitTests has the limits' own tests).
            config.console = ConsoleSessionLimits(idle: .days(8), absolute: .days(8))
        }
        try await harness.test { client in
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)
            // Six more people sign in, three ask and never enter a code, two ask twice too soon (refused).
            for n in 0..<6 { _ = try await harness.signIn(client, phone: "+1312555020\(n)") }
            for n in 0..<3 { _ = try await harness.sendCode(client, phone: "+99655570000\(n)") }
            for n in 0..<2 {
                let again = try await client.request(.post, "/auth/send-code", json: ["phone": "+99655570000\(n)"])
                #expect(again.status == .tooManyRequests && again.errorCode == "resend_too_soon")
            }
            harness.clock.advance(by: 600)
            let page = try await console.get("/console?window=hour")
            #expect(page.status == .ok)

            let sql = harness.sql
            let sent = try await sql.int("SELECT count(*) FROM sms_sends")
            let verified = try await sql.int("SELECT count(*) FROM sms_sends WHERE verified_at IS NOT NULL")
            let signIns = try await sql.int("SELECT count(*) FROM user_sessions")
            #expect((sent, verified, signIns) == (12, 9, 9))
            func metric(_ id: String) -> String? {
                guard let range = page.text.range(of: "data-metric=\"\(id)\">") else { return nil }
                return String(page.text[range.upperBound...].prefix { $0 != "<" })
            }
            #expect(metric("sent") == String(sent))
            #expect(metric("verified") == String(verified))
            #expect(metric("sign-ins") == String(signIns))
            #expect(metric("conversion") == "75.0 %")
            #expect(metric("refused") == "2")
            #expect(page.text.contains("data-refused=\"resend_too_soon\">2<"))
            // 8 US texts at $0.0083 (the admin twice, six people) and 4 Kyrgyz ones at $0.10.
            #expect(page.text.contains("data-spend-sent=\"us\">8<") && page.text.contains("data-spend-sent=\"kg\">4<"))
            #expect(metric("spend") == "$0.47")
            // A bar per series per five minutes (sent and verified; sign-ins); the sends are in one of them.
            #expect(page.text.components(separatedBy: "<rect ").count - 1 == 12 * 3)
            #expect(page.text.contains(": 12 sent</title>"))

            // The stored counters are the report's source; every event is in them once.
            let report = try await harness.sql.int("SELECT CAST(coalesce(sum(count), 0) AS BIGINT) FROM activity_counts WHERE event = 'sent'")
            #expect(report == sent)
            // A week later the hour is empty, the week still holds it all.
            harness.clock.advance(by: 6 * 86_400)
            let week = try await console.get("/console?window=week")
            #expect(week.text.contains("data-metric=\"sent\">12<"))
            #expect(try await console.get("/console?window=hour").text.contains("data-metric=\"sent\">0<"))
        }
    }

    @Test func theReportSumsBucketsInsideTheWindowOnly() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let bucket = ActivityCount.bucket(of: now)
        func count(_ event: ActivityEvent, _ ago: Int64, _ n: Int, market: String = "us") -> ActivityCount {
            ActivityCount(key: .init(bucket: bucket - ago, market: market, event: event), count: n)
        }
        let counts = [
            count(.sent, 0, 4), count(.sent, 300, 2, market: "kg"), count(.verified, 0, 3), count(.signIn, 0, 5),
            count(.refused("ip_rate_limited"), 600, 7), count(.challenged, 900, 1), count(.sent, 3_600, 100),
        ]
        let report = OverviewReport(counts, window: .hour, now: now)
        #expect(report.sent == 6 && report.verified == 3 && report.signIns == 5 && report.challenged == 1)
        #expect(report.sentByMarket == ["us": 4, "kg": 2])
        #expect(report.refusals == ["ip_rate_limited": 7])
        #expect(report.sentPerPeriod.count == 12 && report.sentPerPeriod.suffix(2) == [2, 4])
        #expect(report.conversion == 0.5)
        #expect(OverviewReport(counts, window: .day, now: now).sent == 106)
        #expect(OverviewReport([], window: .week, now: now).conversion == nil)
        #expect(ActivityCount.bucket(of: Date(timeIntervalSince1970: 599)) == 300)
    }

    /// Sign-ins the operator network confirmed are texts not sent: the overview counts them and what they would have
    /// cost at the market's price.
    @Test func silentSignInsShowAsTextsAndSpendSaved() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let bucket = ActivityCount.bucket(of: now)
        let counts = [
            ActivityCount(key: .init(bucket: bucket, market: "kg", event: .networkVerified), count: 40),
            ActivityCount(key: .init(bucket: bucket, market: "us", event: .networkVerified), count: 2),
        ]
        let report = OverviewReport(counts, window: .hour, now: now)
        #expect(report.networkVerified == 42)
        #expect(ActivityEvent(name: ActivityEvent.networkVerified.name) == .networkVerified)
        let chrome = PageChrome(title: "Overview", signedIn: true, nav: [], operator: "admin", csrf: "c", notice: nil)
        let page = OverviewPage(chrome: chrome, report: report, window: .hour, markets: .builtIn, prices: ["kg": 0.05, "us": 0.01])
        #expect(page.cards.first { $0.id == "texts-saved" }?.value == "42")
        #expect(page.cards.first { $0.id == "spend-saved" }?.value == "$2.02")
    }

    /// A bar is a calendar period: at 08:01 UTC on 15 January, the week's last bar is 15 January from midnight and
    /// holds this morning's sends; the day's last bar is 08:00.
    @Test func chartPeriodsStartOnTheirOwnBoundaries() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)  // 2027-01-15 08:00:00 UTC
        let morning = ActivityCount(key: .init(bucket: ActivityCount.bucket(of: now), market: "us", event: .sent), count: 3)
        let yesterday = ActivityCount(key: .init(bucket: ActivityCount.bucket(of: now) - 9 * 3_600, market: "us", event: .sent), count: 5)
        let week = OverviewReport([morning, yesterday], window: .week, now: now)
        #expect(week.periodStarts.last == 1_799_971_200, "midnight UTC of the 15th")
        #expect(week.periodStarts.allSatisfy { $0 % 86_400 == 0 })
        #expect(week.sentPerPeriod.suffix(2) == [5, 3])
        let day = OverviewReport([morning], window: .day, now: now)
        #expect(day.periodStarts.last == 1_800_000_000 && day.periodStarts.allSatisfy { $0 % 3_600 == 0 })
        #expect(day.sentPerPeriod.last == 3)
    }

    @Test func aUserSearchMatchesNamesLiterallyAndNumbersByTheirDigits() {
        #expect(UserSearch("a") == nil && UserSearch("  a ") == nil && UserSearch(String(repeating: "a", count: 101)) == nil)
        #expect(UserSearch(String(repeating: "a", count: 100)) != nil)
        #expect(UserSearch("Ai_da 5%")?.namePattern == #"%Ai\_da 5\%%"#)
        #expect(UserSearch(#"back\slash"#)?.namePattern == #"%back\\slash%"#)
        #expect(UserSearch("+1 (312) 555-01")?.phonePattern == "%131255501%")
        #expect(UserSearch("12")?.phonePattern == nil)  // too few digits to mean a number
        #expect(UserSearch("Aida 312")?.phonePattern == nil)  // a name with digits is a name
        #expect(UserSearch("aida", limit: 7)?.limit == 7)
    }

    @Test func chartAxesEndOnWholeGridSteps() {
        #expect([0, 1, 4, 5, 9, 21, 399, 401].map(BarChart.niceCeiling) == [4, 4, 4, 8, 20, 40, 400, 800])
        let chart = BarChart(id: "c", title: "t", labels: ["a", "b"], series: [.init(name: "Sent", style: "sent", values: [0, 8])])
        #expect(chart.bars.map(\.height) == ["0.0", "192.0"])
        #expect(chart.gridLines.map(\.label) == ["0", "2", "4", "6", "8"])
    }

    @Test func everyUserControlledStringIsShownAsText() async throws {
        let hostile = "<script>alert(1)</script>"
        let harness = try TestHarness()
        try await harness.test { client in
            let (console, member) = try await ConsoleTests.operatorAndMember(harness, client)
            let renamed = try await client.request(.patch, "/api/v1/profile", json: ["full_name": hostile], token: member.access)
            #expect(renamed.status == .ok)
            let address = try await client.request(
                .post, "/api/v1/profile/addresses", json: ["label": "<b>home</b>", "line1": "<svg onload=alert(4)>", "city": "Bishkek"],
                token: member.access)
            #expect(address.status == .created)
            _ = try await harness.signInGrant(client, phone: ConsoleTests.member, userAgent: "\"><img src=x onerror=alert(2)>")
            try await console.get("/console/users/2")
            #expect(try await console.post("/console/users/2/ban", ["reason": "</td><script>alert(3)</script>"]).status == .seeOther)
            try await console.get("/console/fraud")
            _ = try await console.post("/console/fraud/block", ["range": "+996555", "reason": "<iframe src=//evil>"])
            var pages: [String] = []
            for path in ["/console/users/2", "/console/audit", "/console/fraud", "/console/audit?target=%3Cscript%3E"] {
                let page = try await console.get(path)
                #expect(page.status == .ok, "\(path)")
                pages.append(page.text)
            }
            let all = pages.joined()
            #expect(all.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(all.contains("&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"))
            #expect(all.contains("&lt;/td&gt;&lt;script&gt;alert(3)&lt;/script&gt;"))
            #expect(all.contains("&lt;iframe src=//evil&gt;"))
            // The user page lists the address book itself.
            #expect(pages[0].contains("<td>&lt;b&gt;home&lt;/b&gt;</td><td>&lt;svg onload=alert(4)&gt;, Bishkek, Kyrgyzstan</td>"), "\(pages[0])")
            for raw in ["<script>alert", "<img src=x", "<iframe", "</td><script>", "<svg", "<b>home"] { #expect(!all.contains(raw), "\(raw)") }
            // The name is the user page's title, escaped there too.
            #expect(pages[0].contains("<title>&lt;script&gt;alert(1)&lt;/script&gt; · PhoneAuth console</title>"))
        }
    }

    /// A quote, apostrophe or bracket followed by a combining mark is one grapheme cluster but still the markup
    /// character to a browser: escaped by scalar on every page, the unauthenticated login echo included.
    @Test func markupFollowedByACombiningMarkIsEscapedToo() async throws {
        let mark = "\u{0301}"
        let escaper = ScalarHTMLEscaping()
        for (raw, escaped) in [("\"", "&quot;"), ("'", "&#39;"), ("<", "&lt;"), (">", "&gt;"), ("&", "&amp;")] {
            let (got, wanted) = (escaper.escapeText("a" + raw + mark + "b"), "a" + escaped + mark + "b")
            #expect(got == wanted)
        }
        let hostile = "\"\u{0301} autofocus onfocus=alert(1) x='\u{0301}"
        let harness = try TestHarness()
        try await harness.test { client in
            let login = try await ConsoleClient(client).post("/console/login", ["phone": hostile], csrf: nil)
            let (console, _) = try await ConsoleTests.operatorAndMember(harness, client)
            var pages = [login.text]
            let query = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            for path in ["/console/users?q=\(query)", "/console/fraud?lookup=\(query)", "/console/audit?target=\(query)"] {
                pages.append(try await console.get(path).text)
            }
            let safe = "&quot;\u{0301} autofocus onfocus=alert(1) x=&#39;\u{0301}"
            let breakout = "\"\u{0301} autofocus"
            for (index, page) in pages.enumerated() {
                let (escaped, broken) = (page.contains(safe), page.contains(breakout))
                #expect(escaped, "page \(index)")
                #expect(!broken, "page \(index)")
            }
        }
    }

    @Test func everyTemplateParsesAndNoneWritesAValueUnescaped() throws {
        let renderer = try ConsoleRenderer()
        let error = ErrorPage(chrome: .signedOut(title: "<b>"), heading: "<i>", message: "<u>", signInLink: true)
        let html = renderer.html(error)
        #expect(html.contains("<h1>&lt;i&gt;</h1>") && html.contains("&lt;u&gt;") && html.contains("<title>&lt;b&gt;"))
        // Every file in the folder is one the renderer loads, and none writes a value unescaped.
        let folder = RepositoryFolder.url("Sources/PhoneAuthServer/Console/Templates")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files == (ConsoleRenderer.Template.allCases.map(\.rawValue) + ConsoleRenderer.partials).map { "\($0).mustache" }.sorted())
        for file in files {
            let source = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            #expect(!source.contains("{{{") && !source.contains("{{&"), "\(file)")
        }
    }

    /// Each page model names its own template, and every template has exactly one model: the renderer takes no
    /// template name, so a model cannot meet another page's template.
    @Test func everyTemplateHasExactlyOnePageModel() {
        let pages: [any ConsolePage.Type] = [
            LoginPage.self, ErrorPage.self, OverviewPage.self, FraudPage.self, UsersPage.self, UserPage.self, MarketsPage.self,
            AuditPage.self, WebhooksPage.self,
        ]
        let templates = pages.map { $0.template }
        #expect(Set(templates) == Set(ConsoleRenderer.Template.allCases) && templates.count == ConsoleRenderer.Template.allCases.count)
    }

    @Test func aServerWithAMissingOrUnescapedTemplateDoesNotStart() throws {
        let missing = #expect(throws: ConsoleResourceError.self) {
            try ConsoleRenderer { path in path == "Templates/fraud.mustache" ? nil : ResourceBundle.contents(of: path) }
        }
        #expect(missing?.description.contains("Templates/fraud.mustache is not installed beside the binary") == true)
        let unescaped = #expect(throws: ConsoleResourceError.self) {
            try ConsoleRenderer { path in
                path == "Templates/user.mustache" ? Data("<h1>{{name}}</h1>".utf8) : ResourceBundle.contents(of: path)
            }
        }
        #expect(unescaped?.description.contains("does not begin with {{% CONTENT_TYPE: SCALAR_HTML}}") == true)
        let noScript = #expect(throws: ConsoleResourceError.self) {
            try ConsoleRenderer { path in path == "Assets/console.js" ? nil : ResourceBundle.contents(of: path) }
        }
        #expect(noScript?.path == "Assets/console.js")
    }
}
