/// `--log-format`: swift-log's line format, or one JSON object per line for log collectors.
package enum LogFormat: String, Sendable {
    case text, json
}
