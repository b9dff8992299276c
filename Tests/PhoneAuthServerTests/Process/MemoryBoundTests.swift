import Foundation
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// Memory one account cannot inflate (issue 24, item 10): memos are bounded by bytes, and text fields by Unicode
/// scalars, so one grapheme cluster of thousands of combining marks is not "one character".
@Suite struct MemoryBoundTests {
    @Test func aMemoKeepsWithinItsByteBudgetWhateverItsEntryCount() {
        let memo = BoundedMemo<Int, [UInt8]>(capacity: 10_000, maxBytes: 1 << 20) { _, value in value.count }
        for key in 0..<1_000 { memo.insert([UInt8](repeating: 1, count: 10_000), for: key) }
        #expect(memo.bytes <= 1 << 20)
        #expect(memo.count <= 104)
        #expect(memo.value(for: 999)?.count == 10_000, "the newest entries stay")
        // Over half the budget: computed each time, never kept.
        memo.insert([UInt8](repeating: 2, count: 600_000), for: -1)
        #expect(memo.value(for: -1) == nil)
        #expect(memo.bytes <= 1 << 20)
    }

    @Test func aMemoWithoutAByteBudgetStillBoundsItsCount() {
        let memo = BoundedMemo<Int, Int>(capacity: 100)
        for key in 0..<1_000 { memo.insert(key, for: key) }
        #expect(memo.count <= 100)
    }

    /// The auth-state cache is bounded by bytes too: many large profiles start it over before they pass its budget.
    @Test func theAuthStateCacheKeepsWithinItsByteBudget() {
        let cache = AuthStateCache(ttl: .seconds(60), capacity: 100_000, maxBytes: 256 << 10)
        let now = Date()
        for id in 1...2_000 {
            var user = User(newPhone: "+13125550100", defaults: .init(market: "us", language: "en", country: "United States"), now: now)
            user.fullName = String(repeating: "\u{1F600}", count: 100)
            let key = AuthStateCache.Key(userID: Int64(id), sessionID: "s\(id)", market: "us")
            let state = CallerState(user: user, session: nil, marketForceLogoutAfter: nil)
            cache.store(state, for: key, readAt: cache.lookup(key, now: now).generation, now: now)
            #expect(cache.bytes <= 256 << 10)
        }
        let newest = AuthStateCache.Key(userID: 2_000, sessionID: "s2000", market: "us")
        #expect(cache.lookup(newest, now: now).state != nil)
    }

    /// `"a"` and 7,000 combining marks: one `Character`, 7,001 scalars, 14 KB. Refused in a name and an address line.
    @Test func oneCharacterOfThousandsOfCombiningMarksIsTooLong() async throws {
        let swollen = "a" + String(repeating: "\u{0301}", count: 7_000)
        #expect(swollen.count == 1)
        let harness = try TestHarness()
        try await harness.test { client in
            let token = try await harness.signIn(client)
            let named = try await client.request(.patch, "/api/v1/profile", json: ["full_name": swollen], token: token)
            #expect(named.status == .badRequest)
            #expect(named.errorDetail["field"] as? String == "full_name")
            let address = ["line1": swollen, "city": "Chicago", "region": "IL", "postal_code": "60601"]
            let added = try await client.request(.post, "/api/v1/profile/addresses", json: address, token: token)
            #expect(added.status == .badRequest)
            #expect(added.errorDetail["field"] as? String == "line1")
            // Accented text within the limit is fine, combining marks and all.
            let accented = try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Ame\u{0301}lie Dupont"], token: token)
            #expect(accented.status == .ok)
        }
        #expect(try await harness.sql.addresses().isEmpty)
        #expect(try await harness.sql.users().first?.fullName == "Ame\u{0301}lie Dupont")
    }
}
