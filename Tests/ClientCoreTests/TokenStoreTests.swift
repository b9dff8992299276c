import ClientCore
import Foundation
import Testing

@Suite final class TokenStoreTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("phoneauth-store-\(UUID().uuidString)/phoneauth")
    let server = URL(string: "http://127.0.0.1:8080")!

    deinit {
        try? FileManager.default.removeItem(at: folder.deletingLastPathComponent())
    }

    static let credentials = StoredCredentials(
        accessToken: "a.b.c", accessExpiresAt: Date(timeIntervalSince1970: 1_800_001_800), refreshToken: "r1",
        refreshExpiresAt: Date(timeIntervalSince1970: 1_802_592_000), userID: 7, market: "kg")

    private func permissions(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    @Test func savesOneEntryPerServerInAPrivateFile() throws {
        let store = FileTokenStore(folder: folder)
        try store.save(Self.credentials, server: server)
        var other = Self.credentials
        other.userID = 9
        try store.save(other, server: URL(string: "https://auth.example.com/")!)
        #expect(try store.load(server: server) == Self.credentials)
        #expect(try store.load(server: URL(string: "http://127.0.0.1:8080/")!) == Self.credentials)  // trailing slash: same server
        #expect(try store.load(server: URL(string: "https://auth.example.com")!)?.userID == 9)
        #expect(try permissions(folder.path) == 0o700)
        #expect(try permissions(store.file.path) == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func clearForgetsOnlyThatServer() throws {
        let store = FileTokenStore(folder: folder)
        try store.save(Self.credentials, server: server)
        try store.save(Self.credentials, server: URL(string: "https://auth.example.com")!)
        try store.clear(server: server)
        #expect(try store.load(server: server) == nil)
        #expect(try store.load(server: URL(string: "https://auth.example.com")!) != nil)
    }

    @Test func aCorruptFileIsMovedAsideReportedAndMeansLoggedOut() throws {
        let store = FileTokenStore(folder: folder)
        try store.save(Self.credentials, server: server)
        try Data("{ not json".utf8).write(to: store.file)
        #expect(
            throws: TokenStoreError.corruptFileMovedAside(
                original: store.file.path, movedTo: folder.appendingPathComponent("credentials.json.corrupt").path)
        ) {
            try store.load(server: server)
        }
        #expect(try store.load(server: server) == nil)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("credentials.json.corrupt").path))
        try store.save(Self.credentials, server: server)  // and the store works again
        #expect(try store.load(server: server) == Self.credentials)
    }

    @Test func defaultFolderFollowsTheEnvironment() {
        #expect(FileTokenStore.defaultFolder(environment: ["PHONEAUTH_HOME": "/x/home"]).path == "/x/home")
        #expect(FileTokenStore.defaultFolder(environment: ["XDG_CONFIG_HOME": "/x/config"]).path == "/x/config/phoneauth")
        #expect(FileTokenStore.defaultFolder(environment: [:]).path.hasSuffix("/.config/phoneauth"))
    }

    @Test func theInMemoryStoreBehavesTheSame() throws {
        let store = InMemoryTokenStore()
        #expect(try store.load(server: server) == nil)
        try store.save(Self.credentials, server: server)
        #expect(try store.load(server: URL(string: "http://127.0.0.1:8080/")!) == Self.credentials)
        try store.clear(server: server)
        #expect(try store.load(server: server) == nil)
    }
}
