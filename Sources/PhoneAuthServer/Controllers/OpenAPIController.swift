import Foundation
import Hummingbird

/// `GET /openapi.yaml`: the API contract (`Sources/PhoneAuthServer/OpenAPI/openapi.yaml`), read once at start from the
/// resource bundle SwiftPM installs beside the binary. Looked up by hand rather than through `Bundle.module`, which
/// stops the process when the bundle is missing: a binary copied without it serves everything but this document.
struct OpenAPIController: Sendable {
    let document: ByteBuffer?

    static let bundleName = "PhoneAuth_PhoneAuthServer.resources"

    init(document: ByteBuffer? = Self.load()) {
        self.document = document
    }

    static func load() -> ByteBuffer? {
        let executableFolder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for folder in [Bundle.main.bundleURL, executableFolder] {
            let url = folder.appendingPathComponent(bundleName).appendingPathComponent("openapi.yaml")
            if let data = FileManager.default.contents(atPath: url.path) { return ByteBuffer(bytes: data) }
        }
        return nil
    }

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("openapi.yaml") { _, _ in
            guard let document else {
                throw AppError(.notFound, "The OpenAPI document is not installed beside the binary (\(Self.bundleName)).")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
