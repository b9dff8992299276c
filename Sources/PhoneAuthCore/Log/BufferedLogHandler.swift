import Foundation
import Logging

/// swift-log's line format (`2026-12-02T00:55:15.123Z info phoneauth: key=value message`), or with `json`
/// `{"time":…,"level":…,"label":…,"message":…,"<key>":…}` (metadata as string fields), built into one string per
/// line and handed to a `LogSink`, the timestamp formatted from integers.
package struct BufferedLogHandler: LogHandler {
    package var logLevel: Logger.Level = .info
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let sink: LogSink
    private let format: LogFormat

    package init(label: String, format: LogFormat = .text, sink: LogSink = .standardError) {
        self.label = label
        self.format = format
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
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
