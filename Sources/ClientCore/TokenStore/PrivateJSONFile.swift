import Foundation

/// A JSON file only its owner can read: folder 0700, file 0600, each write a temp file renamed over the old one, so a
/// crash never leaves half a file. A file that does not decode is moved aside to `<name>.corrupt` and reported once.
struct PrivateJSONFile<Contents: Codable>: Sendable {
    let url: URL

    var folder: URL { url.deletingLastPathComponent() }

    /// nil when there is no file yet.
    func read() throws(TokenStoreError) -> Contents? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, reason: error.localizedDescription) }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        if let contents = try? decoder.decode(Contents.self, from: data) { return contents }
        // Kept for inspection, out of the way, so the next run starts afresh instead of failing again.
        let aside = URL(fileURLWithPath: url.path + ".corrupt")
        try? FileManager.default.removeItem(at: aside)
        do { try FileManager.default.moveItem(at: url, to: aside) } catch {
            throw .unreadable(path: url.path, reason: "not valid, and it could not be moved aside: \(error.localizedDescription)")
        }
        throw .corruptFileMovedAside(original: url.path, movedTo: aside.path)
    }

    func write(_ contents: Contents) throws(TokenStoreError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: folder.path)
            let temp = folder.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
            guard manager.createFile(atPath: temp.path, contents: try encoder.encode(contents), attributes: [.posixPermissions: 0o600]) else {
                throw CocoaError(.fileWriteUnknown)
            }
            // rename(2) replaces the old file in one step.
            guard rename(temp.path, url.path) == 0 else {
                try? manager.removeItem(at: temp)
                throw CocoaError(.fileWriteUnknown)
            }
        } catch {
            throw .unwritable(path: url.path, reason: error.localizedDescription)
        }
    }
}
