import Foundation
import Testing

@testable import PhoneAuthCore

/// SQLite's budget rings are JSON arrays of integers, coded by hand on every send: what it writes it reads back, and
/// what it reads Foundation reads the same; anything else is refused.
@Suite struct IntegerListJSONTests {
    @Test(arguments: [[], [0], [1, -2, 3], [Int64.max, Int64.min, 0, -1], Array(repeating: 7, count: 61)] as [[Int64]])
    func whatItWritesItReadsBack(values: [Int64]) throws {
        let text = IntegerListJSON.encode(values)
        #expect(IntegerListJSON.decode(text) == values)
        #expect(try JSONDecoder().decode([Int64].self, from: Data(text.utf8)) == values)
    }

    @Test(arguments: ["[]", " [ ] ", "[1,2,3]", "[ 1 ,\n2\t, -3 ]", "[-0]", "[9223372036854775807]", "[-9223372036854775808]"])
    func readsWhatFoundationReads(text: String) throws {
        #expect(IntegerListJSON.decode(text) == (try JSONDecoder().decode([Int64].self, from: Data(text.utf8))))
    }

    @Test(arguments: [
        "", "[", "]", "[,]", "[1,]", "[,1]", "[1 2]", "[01]", "[-]", "[+1]", "[1.0]", "[1e2]", "[\"1\"]", "[null]", "[[1]]",
        "[9223372036854775808]", "[-9223372036854775809]", "[99999999999999999999]", "[1]x", "x[1]", "{}", "[1]\u{0}",
    ])
    func refusesAnythingElse(text: String) {
        #expect(IntegerListJSON.decode(text) == nil)
    }
}
