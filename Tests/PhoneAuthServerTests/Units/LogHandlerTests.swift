import Foundation
import Logging
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The server's log lines are formatted in the request path and written by a background thread; these pin the format
/// and that nothing is lost or reordered.
@Suite struct LogHandlerTests {
    /// A sink on a temp file, and what it wrote.
    private final class Capture {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-log-\(UUID().uuidString)").path
        let fd: Int32
        let sink: LogSink

        init() {
            fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            sink = LogSink(fd: fd)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        func logger(level: Logger.Level = .info, format: LogFormat = .text) -> Logger {
            var logger = Logger(label: "phoneauth") { [sink] label in BufferedLogHandler(label: label, format: format, sink: sink) }
            logger.logLevel = level
            return logger
        }

        /// What reached the file so far.
        var contents: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

        func written() -> String {
            sink.flush()
            return contents
        }
    }

    @Test func aLineHasTheTimeLevelLabelSortedMetadataAndMessage() {
        let capture = Capture()
        var logger = capture.logger()
        logger[metadataKey: "hb.request.id"] = "42"
        logger.info("request", metadata: ["status": "200", "method": "GET"])
        let line = capture.written()
        let pattern = #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z info phoneauth: hb\.request\.id=42 method=GET status=200 request\n$"#
        #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)")
    }

    @Test func jsonLinesAreOneObjectEachWithEscapedValues() throws {
        let capture = Capture()
        var logger = capture.logger(format: .json)
        logger[metadataKey: "hb.request.id"] = "42"
        logger.warning("quote \" and \\ and \n newline\u{01}", metadata: ["path": "/a\"b", "level": "shadow"])
        let line = capture.written()
        #expect(line.hasSuffix("}\n") && line.filter { $0 == "\n" }.count == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        #expect(object["level"] == "warning")
        #expect(object["label"] == "phoneauth")
        #expect(object["message"] == "quote \" and \\ and \n newline\u{01}")
        #expect(object["path"] == "/a\"b")
        #expect(object["hb.request.id"] == "42")
        #expect(object["time"]?.range(of: #"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$"#, options: .regularExpression) != nil)
    }

    @Test func aSaneRequestIDIsKeptAndEchoedAndAnyOtherReplaced() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let kept = try await client.request(.get, "/health/live", headers: [.requestID: "edge-7f3a.b:c_d"])
            #expect(kept.headers[.requestID] == "edge-7f3a.b:c_d")
            for bad in ["has spaces", "<script>", String(repeating: "a", count: 129), "\u{7f}x"] {
                let replaced = try await client.request(.get, "/health/live", headers: [.requestID: bad])
                let id = try #require(replaced.headers[.requestID])
                #expect(id != bad && RequestLoggingMiddleware<AppRequestContext>.saneID(id) == id)
            }
            let generated = try await client.request(.get, "/health/live")
            #expect(generated.headers[.requestID]?.isEmpty == false)
        }
    }

    @Test func theLogFormatIsTextOrJSON() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-log-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let database = ["--database", folder + "/db.sqlite"]
        #expect(try ServeOptions.parse(database).resolve(environment: [:]).logFormat == .text)
        #expect(try ServeOptions.parse(database + ["--log-format", "json"]).resolve(environment: [:]).logFormat == .json)
        #expect(try ServeOptions.parse(database).resolve(environment: ["PHONEAUTH_LOG_FORMAT": "json"]).logFormat == .json)
        #expect(throws: ConfigError.self) { try ServeOptions.parse(database + ["--log-format", "xml"]).resolve(environment: [:]) }
    }

    /// The real binary on a fresh folder: its first lines (the development secrets it generated) are JSON like the rest.
    @Test func withJSONEveryLineFromTheFirstIsOneObject() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let log = folder.appendingPathComponent("server.log")
        let server = try await ServerProcess.start(
            port: try MotoServer.freePort(), arguments: ["--database", folder.path + "/db.sqlite", "--log-format", "json"], logFile: log)
        await server.stop()
        let lines = try String(contentsOf: log, encoding: .utf8).split(separator: "\n")
        #expect(lines.count >= 3, "\(lines)")
        for line in lines {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["message"] is String, "not a JSON line: \(line)")
        }
        #expect(lines.first?.contains("generated a development jwt-secret") == true, "\(lines)")
    }

    @Test func linesBelowTheLevelAreNotWrittenAndTheRestKeepTheirOrder() {
        let capture = Capture()
        let logger = capture.logger(level: .notice)
        logger.info("hidden")
        for index in 0..<2_000 { logger.notice("line \(index)") }
        let lines = capture.written().split(separator: "\n")
        #expect(lines.count == 2_000)
        #expect(lines.enumerated().allSatisfy { $0.element.hasSuffix("notice phoneauth: line \($0.offset)") })
    }

    @Test func theWriterThreadWritesWithoutAnExplicitFlush() async throws {
        let capture = Capture()
        capture.logger().warning("soon")
        var text = ""
        for _ in 0..<50 where !text.contains("soon") {
            try await Task.sleep(for: .milliseconds(20))
            text = capture.contents
        }
        #expect(text.contains("warning phoneauth: soon"))
    }

    @Test(arguments: [
        (Duration.milliseconds(12) + .microseconds(345), "12.34"), (.microseconds(5), "0.00"), (.microseconds(70), "0.07"),
        (.seconds(2), "2000.00"),
    ])
    func durationsAreWrittenInHundredthsOfAMillisecond(duration: Duration, text: String) {
        #expect(RequestLoggingMiddleware<AppRequestContext>.milliseconds(duration) == text)
    }
}
