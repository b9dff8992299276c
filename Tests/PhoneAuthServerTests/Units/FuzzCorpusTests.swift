import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthFuzzing

/// Every fuzz target's property holds on its whole corpus (`Tests/Fuzz/corpus/<target>/`): the seeds from the unit
/// tests' tables, what libFuzzer kept for coverage, and every input that ever broke a property (`regression-*`). The
/// fuzzing itself is `make fuzz` (and 20 s a target in `make test`); this replay needs no instrumented build.
@Suite struct FuzzCorpusTests {
    @Test(arguments: FuzzTargets.all.map(\.name))
    func thePropertyHoldsOnEveryInputOfTheCorpus(name: String) async throws {
        let target = try #require(FuzzTargets.named(name))
        let folder = RepositoryFolder.root.appendingPathComponent("Tests/Fuzz/corpus/\(name)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(files.contains { $0.hasPrefix("seed-") }, "no seeds for \(name)")
        for file in files {
            let input = try Data(contentsOf: folder.appendingPathComponent(file))
            // Off the cooperative pool, as libFuzzer calls it: access-token waits there for the async token service.
            let broken = await withCheckedContinuation { done in DispatchQueue.global().async { done.resume(returning: target.check(Array(input))) } }
            #expect(broken == nil, "\(name)/\(file)")
        }
    }

    /// What json-duplicate-keys found: Foundation's decoder takes `é` precomposed and `e` + U+0301 as one key and
    /// keeps one value silently, so the reader must call them a duplicate.
    @Test func canonicallyEquivalentKeysAreOneKeyToTheDecoderAndADuplicateToTheReader() throws {
        struct Body: Decodable {
            let value: Int
            enum CodingKeys: String, CodingKey { case value = "n\u{E9}" }
        }
        let body = Array("{\"n\u{E9}\":1,\"ne\u{301}\":2}".utf8)
        #expect(try JSONDecoder().decode(Body.self, from: Data(body)).value != 0)  // decoded: one of the two won
        #expect(JSONDuplicateKeys.first(in: body) != nil)
        #expect(JSONDuplicateKeys.first(in: Array("{\"n\u{E9}\":1,\"ne\":2}".utf8)) == nil)
    }
}
