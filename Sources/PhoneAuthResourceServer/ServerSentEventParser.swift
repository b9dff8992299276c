import Foundation

/// Turns the bytes of a `text/event-stream` into events, as the HTML standard's parsing rules say: lines end with LF,
/// CR LF or CR; `field: value` lines build an event and an empty line dispatches it; lines starting with `:` are
/// comments. Bytes may arrive split anywhere; a line longer than `maxLine` ends the stream as malformed (a server that
/// never sends a line end must not make the parser hold memory without bound). Fuzzed (`phoneauth-fuzz
/// server-sent-events`): however the bytes are split, the same events.
package struct ServerSentEventParser {
    package struct Event: Equatable, Sendable {
        package var id: String?
        package var name: String
        package var data: String
    }

    package enum Failure: Error { case lineTooLong }

    private var line: [UInt8] = []
    private var pendingCR = false
    private var name = ""
    private var data: [String] = []
    private var id: String?
    private var hasFields = false
    package let maxLine: Int

    package init(maxLine: Int = 1 << 20) {
        self.maxLine = maxLine
    }

    /// The events `bytes` completes.
    package mutating func feed(_ bytes: some Sequence<UInt8>) throws(Failure) -> [Event] {
        var events: [Event] = []
        for byte in bytes {
            if pendingCR {
                pendingCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A, 0x0D:
                pendingCR = byte == 0x0D
                if let event = endLine() { events.append(event) }
            default:
                guard line.count < maxLine else { throw .lineTooLong }
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine() -> Event? {
        defer { line.removeAll(keepingCapacity: true) }
        guard !line.isEmpty else { return dispatch() }
        let text = String(decoding: line, as: UTF8.self)
        if text.hasPrefix(":") { return nil }
        let field: Substring
        var value: Substring = ""
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.hasPrefix(" ") { value = value.dropFirst() }
        } else {
            field = text[...]
        }
        switch field {
        case "event": name = String(value)
        case "data": data.append(String(value))
        case "id" where !value.contains("\u{0}"): id = String(value)
        default: return nil  // `retry` and unknown fields
        }
        hasFields = true
        return nil
    }

    private mutating func dispatch() -> Event? {
        defer { (name, data, hasFields) = ("", [], false) }
        guard hasFields, !data.isEmpty || !name.isEmpty else { return nil }
        return Event(id: id, name: name.isEmpty ? "message" : name, data: data.joined(separator: "\n"))
    }
}
