import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// What an operator wires up from `deploy/`: Debian's Prometheus with the shipped scrape configuration scrapes a real
/// server, promtool finds nothing to say about the exposition, and every query of the shipped Grafana dashboard names a
/// family the server exports and runs on Prometheus.
@Suite struct PrometheusScrapeTests {
    private static let dashboard = RepositoryFolder.url("deploy/grafana/phoneauth-dashboard.json")
    private static let scrapeConfig = RepositoryFolder.url("deploy/prometheus/prometheus.yml")

    @Test func theShippedConfigurationScrapesASignInAndEveryDashboardQueryRuns() async throws {
        let harness = try TestHarness()
        let receiver = WebhookReceiver()
        let metricsPort = try MotoServer.freePort()
        try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databasePath, webhook: webhook, extra: ["--metrics-port", String(metricsPort)])
            try await Instance.stopping([server]) {
                _ = try await server.signIn(receiver, phone: "+13125550142")
                let exposition = try await Self.scrape(port: metricsPort)
                // promtool: HELP on every family, names and types by the conventions; it prints nothing when content.
                let lint = try await Spawn.capture(["/usr/bin/promtool", "check", "metrics"], input: exposition, package: "prometheus")
                #expect(lint.status == 0 && lint.output.isEmpty, "promtool check metrics: \(lint.output)")
                let exported = Self.families(in: exposition)
                #expect(Set(MetricFamily.allCases.map(\.name)).isSubset(of: exported), "exported: \(exported.sorted())")
                let queries = try Self.dashboardQueries()
                #expect(queries.count >= 14)
                for query in queries {
                    let named = Self.metricNames(in: query)
                    #expect(!named.isEmpty, "\(query) names no PhoneAuth metric")
                    #expect(named.isSubset(of: exported), "\(query) names \(named.subtracting(exported).sorted()), which /metrics does not export")
                }
                try await Self.withPrometheus(scraping: metricsPort) { prometheus in
                    #expect(try await prometheus.waitForValue("up{job=\"phoneauth\"}") == 1)
                    #expect(try await prometheus.waitForValue("phoneauth_codes_verified_total{market=\"us\"}") == 1)
                    #expect(try await prometheus.waitForValue("phoneauth_sms_sent_total{provider=\"webhook\"}") == 1)
                    for query in queries {
                        let answer = try await prometheus.query(query.replacingOccurrences(of: "$__rate_interval", with: "1m"))
                        #expect(answer.status == "success", "\(query): \(answer.error ?? "")")
                    }
                }
            }
        }
    }

    /// The families' HELP and TYPE lines come from one list, before any event and whatever the backend.
    @Test func everyFamilyHasHelpTextFromTheStart() {
        let metrics = ServerMetrics(backend: "sqlite")
        metrics.prepare(markets: ["us", "kg"], limits: SendLimits().refusalCodes)
        metrics.prepare(providers: ["twilio", "sns"])
        metrics.prepare(channels: [.sms, .telegram], markets: ["us", "kg"])
        metrics.request(method: "GET", route: "/health", status: 200, nanoseconds: 1_000)
        let text = String(decoding: metrics.exposition(cache: .init(), signal: nil), as: UTF8.self)
        for family in MetricFamily.allCases {
            #expect(text.contains("# HELP \(family.name) \(family.help)\n"), "\(family.name)")
            let type =
                switch family.kind {
                case .counter: "counter"
                case .gauge: "gauge"
                case .histogram: "histogram"
                }
            #expect(text.contains("# TYPE \(family.name) \(type)\n"), "\(family.name)")
        }
        let parsed = PrometheusText(text)
        #expect(parsed.value("phoneauth_codes_sent_total", ["market": "kg"]) == 0)
        #expect(parsed.value("phoneauth_codes_failed_total", ["market": "unknown"]) == 0)
        #expect(parsed.value("phoneauth_sms_failed_total", ["provider": "sns"]) == 0)
        #expect(parsed.value("phoneauth_limit_refusals_total", ["limit": "sms_budget_exhausted"]) == 0)
        #expect(parsed.value("phoneauth_limit_refusals_total", ["limit": "resend_too_soon"]) == 0)
        #expect(parsed.value("phoneauth_limit_refusals_total", ["limit": "verify_rate_limited"]) == 0)
        #expect(parsed.value("phoneauth_sms_estimated_spend_usd_total", ["market": "us"]) == 0)
        #expect(parsed.value("phoneauth_range_block_refusals_total", ["by": "automatic"]) == 0)
    }

    // MARK: Helpers

    private static func scrape(port: Int) async throws -> String {
        let response = try await CurlClient.isolated().perform(CurlRequest(url: "http://127.0.0.1:\(port)/metrics", method: "GET"))
        #expect(response.status == 200)
        return String(decoding: response.body, as: UTF8.self)
    }

    private static func families(in exposition: String) -> Set<String> {
        Set(
            exposition.split(separator: "\n").compactMap { line in
                line.hasPrefix("# TYPE ") ? line.split(separator: " ").dropFirst(2).first.map(String.init) : nil
            })
    }

    /// Every `phoneauth_…` name in a query, a histogram's `_bucket`, `_count` and `_sum` series named by their family.
    private static func metricNames(in query: String) -> Set<String> {
        let names = query.matches(of: /phoneauth_[a-z0-9_]+/).map { String($0.output) }
        return Set(
            names.map { name in
                for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) && name.hasPrefix(MetricFamily.httpRequestDuration.name) {
                    return String(name.dropLast(suffix.count))
                }
                return name
            })
    }

    private static func dashboardQueries() throws -> [String] {
        struct Dashboard: Decodable {
            struct Panel: Decodable {
                struct Target: Decodable { var expr: String }
                var targets: [Target]
            }
            var panels: [Panel]
        }
        let dashboard = try JSONDecoder().decode(Dashboard.self, from: Data(contentsOf: dashboard))
        return dashboard.panels.flatMap { $0.targets.map(\.expr) }
    }

    /// Prometheus with `deploy/prometheus/prometheus.yml`, its target and interval set for the test (1 s).
    private static func withPrometheus(scraping port: Int, _ body: (PrometheusAPI) async throws -> Void) async throws {
        let shipped = try String(contentsOf: scrapeConfig, encoding: .utf8)
        #expect(shipped.contains("127.0.0.1:9464") && shipped.contains("scrape_interval: 15s"))
        let config = shipped.replacingOccurrences(of: "127.0.0.1:9464", with: "127.0.0.1:\(port)")
            .replacingOccurrences(of: "scrape_interval: 15s", with: "scrape_interval: 1s")
        let webPort = try MotoServer.freePort()
        try await Daemon.with("/usr/bin/prometheus", package: "prometheus") { folder in
            let file = folder.appendingPathComponent("prometheus.yml")
            try config.write(to: file, atomically: true, encoding: .utf8)
            return [
                "--config.file=\(file.path)", "--storage.tsdb.path=\(folder.appendingPathComponent("data").path)",
                "--web.listen-address=127.0.0.1:\(webPort)", "--log.level=warn",
            ]
        } _: { daemon in
            do {
                try await body(PrometheusAPI(port: webPort))
            } catch {
                Issue.record("Prometheus said: \(daemon.output)")
                throw error
            }
        }
    }
}

/// Prometheus' HTTP query API, instant queries only.
private struct PrometheusAPI {
    let port: Int
    private let curl = CurlClient.isolated()

    init(port: Int) { self.port = port }

    struct Answer: Decodable {
        struct Data: Decodable {
            struct Sample: Decodable { var value: [StringOrNumber] }
            var result: [Sample]
        }
        var status: String
        var data: Data?
        var error: String?
    }

    /// `value` is `[timestamp, "string"]`.
    enum StringOrNumber: Decodable {
        case number(Double)
        case text(String)
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let number = try? container.decode(Double.self) { self = .number(number) } else { self = .text(try container.decode(String.self)) }
        }
    }

    func query(_ promQL: String) async throws -> Answer {
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        let response = try await curl.perform(CurlRequest(url: "http://127.0.0.1:\(port)/api/v1/query?query=\(encoded)", method: "GET"))
        return try JSONDecoder().decode(Answer.self, from: Data(response.body))
    }

    /// The first sample's value once the query has one (Prometheus needs a start-up and a scrape or two): up to 30 s.
    func waitForValue(_ promQL: String) async throws -> Double? {
        for _ in 0..<120 {
            if let answer = try? await query(promQL), let sample = answer.data?.result.first, case .text(let text)? = sample.value.last {
                return Double(text)
            }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("\(promQL) had no sample within 30 s")
        return nil
    }
}
