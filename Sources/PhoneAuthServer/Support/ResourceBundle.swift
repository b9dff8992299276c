import Foundation
import PhoneAuthCore

/// The resource folder SwiftPM installs beside the binary (`PhoneAuth_PhoneAuthServer.resources/`: the OpenAPI
/// document, the console's templates and assets). Looked up by hand rather than through `Bundle.module`, which stops
/// the process when the folder is missing; each caller decides what a missing file means.
enum ResourceBundle {
    static let name = "PhoneAuth_PhoneAuthServer.resources"

    /// The folders searched, in order: the main bundle's (a test runner's) and the executable's own.
    static var folders: [URL] {
        let executableFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        return [Bundle.main.bundleURL, executableFolder].map { $0.appendingPathComponent(name) }
    }

    /// The contents of `path` (relative to the resource folder), from the first folder that has it.
    static func contents(of path: String) -> Data? {
        for folder in folders {
            if let data = FileManager.default.contents(atPath: folder.appendingPathComponent(path).path) { return data }
        }
        return nil
    }
}
