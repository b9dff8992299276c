import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// The address limit and If-Match, decided without a database (`AddressTests` and `ConditionalRequestTests` run
/// them through both backends).
@Suite struct AddressDecisionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let fields = AddressFields(label: "Home", line1: "1 Main St", line2: nil, city: "Chicago", region: "IL", postalCode: "60601")

    @Test func theLimitCountsTheUsersAddressesAlreadyStored() {
        #expect(AddressDecision.insert(fields, userID: 7, country: "US", existing: 10, limit: 10, now: now) == .limitReached)
        guard case .created(let address) = AddressDecision.insert(fields, userID: 7, country: "US", existing: 9, limit: 10, now: now) else {
            Issue.record("the tenth address must be created")
            return
        }
        #expect(address.id == nil)
        #expect(address.userID == 7)
        #expect(address.country == "US")
        #expect(address.line1 == "1 Main St")
        #expect(address.createdAt == now && address.updatedAt == now)
    }

    @Test func anEditHoldsOnlyWhileTheAddressIsUnchangedToTheMillisecond() {
        guard case .created(let stored) = AddressDecision.insert(fields, userID: 7, country: "US", existing: 0, limit: 10, now: now) else {
            Issue.record("expected an address")
            return
        }
        var moved = fields
        moved.city = "Evanston"
        let later = now.addingTimeInterval(60)
        let edited = AddressDecision.update(stored, with: moved, ifUnchangedSince: now.addingTimeInterval(0.0004), now: later)
        #expect(edited?.city == "Evanston")
        #expect(edited?.updatedAt == later)
        #expect(edited?.createdAt == now)
        #expect(AddressDecision.update(stored, with: moved, ifUnchangedSince: now.addingTimeInterval(-0.001), now: later) == nil)
        #expect(AddressDecision.update(stored, with: moved, ifUnchangedSince: nil, now: later)?.city == "Evanston")
    }
}
