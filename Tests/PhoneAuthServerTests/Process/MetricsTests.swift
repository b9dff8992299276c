import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// `/metrics` tells an operator what the server did: requests by route template and status with latencies, codes and
/// SMS by market and provider, limit refusals, refused tokens by reason, and the cache's counters.
@Suite struct MetricsTests {
    /// The real binary with a real webhook provider, metrics on a port of their own.
    @Test(arguments: Backend.all)
    func aSignInIsCountedByRouteCodeProviderAndRefusal(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        let receiver = WebhookReceiver()
        let metricsPort = try MotoServer.freePort()
        let text: String = try await receiver.run { webhook in
            let server = try await Instance.start(database: harness.databaseURL, webhook: webhook, extra: ["--metrics-port", String(metricsPort)])
            do {
                let phone = "+13125550177"
                let sent = try await server.request("POST", "/auth/send-code", json: ["phone": phone])
                #expect(sent.status == 202)
                let id = try #require(sent.json["verification_id"] as? String)
                let code = try #require(receiver.lastCode(to: phone))
                let wrong = code == "000000" ? "111111" : "000000"
                let guessed = try await server.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": wrong])
                #expect(guessed.status == 400)
                let grant = try await server.request("POST", "/auth/verify-code", json: ["verification_id": id, "verification_code": code])
                let access = try #require(grant.json["access_token"] as? String)
                #expect(try await server.request("GET", "/api/v1/profile", token: access).status == 200)
                #expect(try await server.request("DELETE", "/api/v1/profile/addresses/12345", token: access).status == 404)
                #expect(try await server.request("GET", "/api/v1/profile", token: access + "x").status == 401)
                #expect(try await server.request("GET", "/no/such/path").status == 404)
                // Only on the metrics port once one is given.
                #expect(try await server.request("GET", "/metrics").status == 404)
                let scraped = try await CurlClient.isolated().perform(CurlRequest(url: "http://127.0.0.1:\(metricsPort)/metrics", method: "GET"))
                #expect(scraped.status == 200)
                #expect(scraped.header("content-type")?.hasPrefix("text/plain; version=0.0.4") == true)
                await server.stop()
                return String(decoding: scraped.body, as: UTF8.self)
            } catch {
                await server.stop()
                throw error
            }
        }
        let metrics = PrometheusText(text)
        let requests = "phoneauth_http_requests_total"
        #expect(metrics.value(requests, ["method": "POST", "route": "/auth/send-code", "status": "202"]) == 1, "\(metrics)")
        #expect(metrics.value(requests, ["method": "POST", "route": "/auth/verify-code", "status": "400"]) == 1)
        #expect(metrics.value(requests, ["method": "POST", "route": "/auth/verify-code", "status": "200"]) == 1)
        #expect(metrics.value(requests, ["method": "GET", "route": "/api/v1/profile", "status": "200"]) == 1)
        // The template, never the id the client asked for; unknown paths share one label.
        #expect(metrics.value(requests, ["route": "/api/v1/profile/addresses/{id}", "status": "404"]) == 1)
        #expect(metrics.value(requests, ["route": "unmatched", "status": "404"]) == 2, "/no/such/path and /metrics on the main port")
        #expect(!text.contains("12345") && !text.contains("/no/such/path"))
        let histogram = "phoneauth_http_request_duration_seconds"
        #expect(metrics.value(histogram + "_count", ["route": "/api/v1/profile", "status": "200"]) == 1)
        #expect(metrics.value(histogram + "_bucket", ["route": "/api/v1/profile", "status": "200", "le": "+Inf"]) == 1)
        #expect(metrics.value("phoneauth_codes_sent_total", ["market": "us"]) == 1)
        #expect(metrics.value("phoneauth_codes_verified_total", ["market": "us"]) == 1)
        #expect(metrics.value("phoneauth_codes_failed_total", ["market": "unknown"]) == 1, "the id path names no phone")
        #expect(metrics.value("phoneauth_sms_sent_total", ["provider": "webhook"]) == 1)
        #expect(metrics.value("phoneauth_tokens_refused_total", ["reason": "bad_signature"]) == 1)
        #expect(metrics.value("phoneauth_tokens_refused_total", ["reason": "revoked"]) == 0)
        #expect(metrics.value("phoneauth_database_errors_total", ["backend": backend == .sqlite ? "sqlite" : "postgresql"]) == 0)
        #expect(metrics.value("phoneauth_auth_cache_misses_total") ?? 0 >= 1)
        #expect(metrics.value("phoneauth_auth_cache_hits_total") != nil)
        #expect(!text.contains(receiver.lastCode ?? "no code"), "no code in the metrics")
    }

    /// What a pumping bot could tune itself against (codes sent per market, challenges, blocks) is not public by
    /// default: the main port has no `/metrics` unless the operator asks for it.
    @Test func theMainPortServesNoMetricsUnlessAskedTo() async throws {
        let harness = try TestHarness()
        let receiver = WebhookReceiver()
        try await receiver.run { webhook in
            let plain = try await Instance.start(database: harness.databasePath, webhook: webhook)
            let asked = try await Instance.start(database: harness.databasePath, webhook: webhook, extra: ["--metrics-on-main-port"])
            try await Instance.stopping([plain, asked]) {
                let hidden = try await plain.request("GET", "/metrics")
                #expect(hidden.status == 404)
                #expect(hidden.errorCode == "not_found")
                #expect(try await asked.request("GET", "/metrics").status == 200)
            }
        }
        let options = try ServeOptions.parse(["--database", harness.databasePath])
        #expect(try options.resolve(environment: ["PHONEAUTH_METRICS_ON_MAIN_PORT": "true"]).metricsOnMainPort)
        #expect(try !options.resolve(environment: [:]).metricsOnMainPort)
    }

    /// In process, with a pinned clock: each refusal reason and each limit has its own series.
    @Test(arguments: Backend.all)
    func refusedTokensAndLimitsAreCountedByReason(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend) { $0.limits.resendCooldown = .seconds(60) }
        let metrics = ServerMetrics(backend: backend.rawValue)
        var dependencies = harness.dependencies
        dependencies.metrics = metrics
        try await harness.app(dependencies).test(.router) { client in
            let expiring = try await harness.signIn(client)
            let resent = try await client.request(.post, "/auth/send-code", json: ["phone": "+13125550100"])
            #expect(resent.status == .tooManyRequests)
            harness.clock.advance(by: 31 * 60)
            #expect(try await client.request(.get, "/api/v1/profile", token: expiring).status == .unauthorized)
            harness.clock.advance(by: 61)
            let grant = try await harness.signInGrant(client)
            #expect(try await client.request(.post, "/auth/logout", token: grant.access).status == .noContent)
            #expect(try await client.request(.get, "/api/v1/profile", token: grant.access).status == .unauthorized)
            let scraped = try await client.request(.get, "/metrics")
            #expect(scraped.status == .ok)
            let text = PrometheusText(String(buffer: scraped.body))
            #expect(text.value("phoneauth_tokens_refused_total", ["reason": "expired"]) == 1, "\(text)")
            #expect(text.value("phoneauth_tokens_refused_total", ["reason": "revoked"]) == 1, "\(text)")
            #expect(text.value("phoneauth_tokens_refused_total", ["reason": "bad_signature"]) == 0)
            #expect(text.value("phoneauth_limit_refusals_total", ["limit": "resend_too_soon"]) == 1)
            #expect(text.value("phoneauth_codes_sent_total", ["market": "us"]) == 2)
            #expect(text.value("phoneauth_http_requests_total", ["route": "/auth/send-code", "status": "429"]) == 1)
        }
    }
}
