import Foundation
import Logging
import Testing

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

        func logger(level: Logger.Level = .info) -> Logger {
            var logger = Logger(label: "phoneauth") { [sink] label in BufferedLogHandler(label: label, sink: sink) }
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
