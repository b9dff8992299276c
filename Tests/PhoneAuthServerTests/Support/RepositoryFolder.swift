import Foundation

/// The checkout the tests run from, found from this file's own place (`Tests/PhoneAuthServerTests/Support/`), so a
/// test can move between folders without counting path components.
enum RepositoryFolder {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func url(_ relative: String) -> URL {
        root.appendingPathComponent(relative)
    }
}
