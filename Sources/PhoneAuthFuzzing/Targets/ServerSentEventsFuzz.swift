import PhoneAuthResourceServer

/// The kit's `text/event-stream` parser: the network splits bytes anywhere, so the events must not depend on where.
/// Input: a byte saying where to split, then the stream. Fed whole, or in two pieces at that point, or a byte at a
/// time, the parser gives the same events and refuses (a line over the limit) the same way; no event's name or data
/// line holds a line end, and a comment or a field it does not know never makes one.
enum ServerSentEventsFuzz {
    static let target = FuzzTarget(
        name: "server-sent-events", property: "the same events however the stream is split; no line end inside a name or a data line"
    ) { bytes in
        guard let split = bytes.first else { return nil }
        let stream = Array(bytes.dropFirst())
        let at = stream.isEmpty ? 0 : Int(split) % (stream.count + 1)
        let whole = parse([stream[...]])
        for pieces in [[stream[..<at], stream[at...]], stream.indices.map { stream[$0...$0] }] where parse(pieces) != whole {
            return "split into \(pieces.count) pieces, \(String(decoding: stream, as: UTF8.self).debugDescription) parses otherwise"
        }
        // A line ends at CR or LF only (HTML's event-stream rules): a form feed or U+2028 is content.
        let lineEnd: (String) -> Bool = { $0.unicodeScalars.contains { $0 == "\r" || $0 == "\n" } }
        for event in (try? whole.get()) ?? [] where lineEnd(event.name) || lineEnd(event.id ?? "") {
            return "an event's name or id holds a line end: \(event)"
        }
        return nil
    }

    private static func parse(_ pieces: [ArraySlice<UInt8>]) -> Result<[ServerSentEventParser.Event], ServerSentEventParser.Failure> {
        var parser = ServerSentEventParser(maxLine: 64)
        var events: [ServerSentEventParser.Event] = []
        for piece in pieces {
            do { events += try parser.feed(piece) } catch { return .failure(error) }
        }
        return .success(events)
    }
}
