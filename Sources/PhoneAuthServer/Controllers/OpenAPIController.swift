import Foundation
import Hummingbird
import PhoneAuthCore

/// `GET /openapi.yaml`: the API contract (`Sources/PhoneAuthServer/OpenAPI/openapi.yaml`), read once at start from the
/// resource folder beside the binary (`ResourceBundle`); without it the server serves everything but this document.
struct OpenAPIController: Sendable {
    let document: ByteBuffer?

    init(document: ByteBuffer? = Self.load()) {
        self.document = document
    }

    static func load() -> ByteBuffer? {
        ResourceBundle.contents(of: "openapi.yaml").map { ByteBuffer(bytes: $0) }
    }

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("openapi.yaml") { _, _ in
            guard let document else {
                throw AppError(.notFound, "The OpenAPI document is not installed beside the binary (\(ResourceBundle.name)).")
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml; charset=utf-8"], body: .init(byteBuffer: document))
        }
    }
}
