import Testing

@testable import PhoneAuthResourceServer

/// The kit reads `text/event-stream` as the HTML standard says, however the bytes are split.
@Suite struct ServerSentEventParserTests {
    @Test func eventsAssembleAcrossArbitrarySplitsAndLineEnds() throws {
        let text = "retry: 1000\r\n\r\n: keepalive\n\nid: 7\nevent: session.ended\ndata: {\"a\":1}\r\rid: 8\nevent: ready\ndata: {}\n\n"
        for split in 1...text.utf8.count {
            var parser = ServerSentEventParser()
            let bytes = Array(text.utf8)
            let events = try parser.feed(bytes[..<split]) + parser.feed(bytes[split...])
            #expect(
                events == [
                    .init(id: "7", name: "session.ended", data: "{\"a\":1}"), .init(id: "8", name: "ready", data: "{}"),
                ], "split at \(split)")
        }
    }

    @Test func theLastIdCarriesOverAndMultiLineDataJoins() throws {
        var parser = ServerSentEventParser()
        let events = try parser.feed(Array("id: 3\ndata: a\ndata: b\n\nevent: ready\ndata: {}\n\n".utf8))
        #expect(events.map(\.data) == ["a\nb", "{}"])
        #expect(events.map(\.id) == ["3", "3"])
        #expect(events.first?.name == "message")
    }

    @Test func aLineWithoutEndIsBounded() {
        var parser = ServerSentEventParser(maxLine: 16)
        #expect(throws: ServerSentEventParser.Failure.lineTooLong) { try parser.feed(Array(String(repeating: "x", count: 17).utf8)) }
    }
}
