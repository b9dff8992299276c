import Foundation
import Logging

/// `--log-format`: swift-log's line format, or one JSON object per line for log collectors.
enum LogFormat: String, Sendable {
    case text, json
}

/// swift-log's line format (`2026-12-02T00:55:15.123Z info phoneauth: key=value message`), or with `json`
/// `{"time":…,"level":…,"label":…,"message":…,"<key>":…}` (metadata as string fields), built into one string per
/// line and handed to a `LogSink`, the timestamp formatted from integers.
struct BufferedLogHandler: LogHandler {
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink
    private let format: LogFormat

    init(label: String, format: LogFormat = .text, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { _, new in new } }
        if let extra = event.metadata { fields.merge(extra) { _, new in new } }
        var text: String
        switch format {
        case .text:
            text = Timestamp.now()
            text.reserveCapacity(160)
            text += " \(event.level) \(label):"
            for key in fields.keys.sorted() { text += " \(key)=\(fields[key]!)" }
            text += " \(event.message)\n"
        case .json:
            text = "{\"time\":\"" + Timestamp.now() + "\",\"level\":\"\(event.level)\",\"label\":" + JSONString.quoted(label)
                + ",\"message\":" + JSONString.quoted("\(event.message)")
            for key in fields.keys.sorted() where !Self.reserved.contains(key) {
                text += "," + JSONString.quoted(key) + ":" + JSONString.quoted("\(fields[key]!)")
            }
            text += "}\n"
        }
        sink.append(text.utf8, urgent: event.level >= .error)
    }
}

extension BufferedLogHandler {
    /// Metadata keys that would shadow the line's own fields are left out of JSON lines.
    fileprivate static let reserved: Set<String> = ["time", "level", "label", "message"]
}

/// A JSON string literal: quotes, backslashes and control characters escaped (RFC 8259).
enum JSONString {
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u00" + String(UInt8(scalar.value) >> 4, radix: 16) + String(UInt8(scalar.value) & 0xf, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, from integers: no formatter, no lock.
enum Timestamp {
    static func now() -> String {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var time = spec.tv_sec
        var parts = tm()
        gmtime_r(&time, &parts)
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        func digits(_ value: Int32, _ count: Int) {
            var divisor: Int32 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8((value / divisor) % 10))
                divisor /= 10
            }
        }
        digits(parts.tm_year + 1900, 4); bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mon + 1, 2); bytes.append(UInt8(ascii: "-"))
        digits(parts.tm_mday, 2); bytes.append(UInt8(ascii: "T"))
        digits(parts.tm_hour, 2); bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_min, 2); bytes.append(UInt8(ascii: ":"))
        digits(parts.tm_sec, 2); bytes.append(UInt8(ascii: "."))
        digits(Int32(spec.tv_nsec / 1_000_000), 3); bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
