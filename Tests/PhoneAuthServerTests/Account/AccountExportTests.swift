import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthServer

/// `GET /api/v1/account/export`: everything stored about the caller in one JSON document, and nothing about anyone
/// else, with no secret or hash in it.
@Suite struct AccountExportTests {
    static let phone = "+13125550161"
    static let other = "+13125550162"

    @Test(arguments: Backend.all)
    func aUserGetsEverythingStoredAboutThemAndNothingElse(backend: Backend) async throws {
        let harness = try await TestHarness.make(backend)
        try await harness.test { client in
            let phone = try await harness.signInGrant(client, phone: Self.phone, userAgent: "Phone/1.0")
            let laptop = try await harness.signInGrant(client, phone: Self.phone, userAgent: "Laptop/2.0")
            #expect(try await client.request(.patch, "/api/v1/profile", json: ["full_name": "Ada Example"], token: phone.access).status == .ok)
            let home = ["label": "home", "line1": "1 Main St", "city": "Chicago", "region": "IL", "postal_code": "60601"]
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: home, token: laptop.access).status == .created)
            // Someone else, with an address of their own.
            let stranger = try await harness.signIn(client, phone: Self.other)
            let theirs = ["line1": "9 Elm St", "city": "Springfield", "region": "IL", "postal_code": "62701"]
            #expect(try await client.request(.post, "/api/v1/profile/addresses", json: theirs, token: stranger).status == .created)

            let export = try await client.request(.get, "/api/v1/account/export", token: phone.access)
            #expect(export.status == .ok)
            #expect(export.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
            #expect(export.headers[.cacheControl] == "no-store")
            let document = export.json
            #expect(
                Set(document.keys) == [
                    "exported_at", "profile", "addresses", "sessions", "codes_sent", "deliveries", "number_history", "disabled_at", "bans",
                ])
            let profile = try #require(document["profile"] as? [String: Any])
            #expect(profile["phone_number"] as? String == Self.phone)
            #expect(profile["full_name"] as? String == "Ada Example")
            let addresses = try #require(document["addresses"] as? [[String: Any]])
            #expect(addresses.map { $0["line1"] as? String } == ["1 Main St"])
            let sessions = try #require(document["sessions"] as? [[String: Any]])
            #expect(Set(sessions.compactMap { $0["device"] as? String }) == ["Phone/1.0", "Laptop/2.0"])
            #expect(sessions.allSatisfy { $0["is_active"] as? Bool == true && $0["signed_in_at"] is String })
            let sent = try #require(document["codes_sent"] as? [[String: Any]])
            #expect(sent.count == 2)
            #expect(sent.allSatisfy { $0["verified_at"] is String && $0["network"] is String })
            let history = try #require(document["number_history"] as? [[String: Any]])
            #expect(history.map { $0["phone_number"] as? String } == [Self.phone])
            #expect((document["bans"] as? [Any])?.isEmpty == true)

            // Nothing of the other user's, and no secret or hash of any kind.
            let text = String(buffer: export.body)
            for absent in [Self.other, "9 Elm St", "refresh", "hash", "\"code\"", "pepper", "digest"] {
                #expect(!text.contains(absent), "the export holds \(absent)")
            }
            // The other user's own export is theirs alone.
            let strangers = try await client.request(.get, "/api/v1/account/export", token: stranger)
            #expect(!String(buffer: strangers.body).contains(Self.phone))
            #expect(try await client.request(.get, "/api/v1/account/export").status == .unauthorized)
        }
    }

    @Test func aBanAndItsLiftAreInTheExport() async throws {
        let harness = try TestHarness()
        try await harness.test { client in
            let admin = try await harness.signInAdmin(client)
            _ = try await harness.signIn(client, phone: Self.phone)
            let id = try #require(try await harness.sql.users().first { $0.phoneNumber == Self.phone }?.id)
            #expect(try await client.request(.post, "/admin/users/\(id)/disable", json: ["reason": "chargebacks"], token: admin).status == .ok)
            #expect(try await client.request(.post, "/admin/users/\(id)/enable", token: admin).status == .ok)
            let token = try await harness.signIn(client, phone: Self.phone)
            let bans = try #require(try await client.request(.get, "/api/v1/account/export", token: token).json["bans"] as? [[String: Any]])
            #expect(bans.map { $0["action"] as? String } == ["banned", "unbanned"])
            #expect(bans.first?["reason"] as? String == "chargebacks")
        }
    }
}
