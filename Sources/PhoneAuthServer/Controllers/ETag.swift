import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Entity tags for conditional requests: a digest of the exact JSON a client would receive, so any change to what it
/// sees changes the tag, however close together two edits come. Clients revalidate caches with `If-None-Match` (304)
/// and guard edits with `If-Match` (412).
enum ETag {
    static func of(_ user: User) throws -> String { try of(UserResponse(user)) }

    static func of(_ address: Address) throws -> String { try AddressResponse(address).etag }

    static func of(_ value: some Encodable) throws -> String {
        tag(for: try JSONCoding.encoder.encode(value))
    }

    private static func tag(for body: Data) -> String {
        "\"" + SHA256.hash(data: body).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// True when `If-None-Match` names this tag (or `*`): the client's copy is current.
    static func notModified(_ request: Request, tag: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains {
            let item = $0.trimmingCharacters(in: .whitespaces)
            return item == "*" || item == tag || item == "W/" + tag
        }
    }

    /// Throws 412 when `If-Match` is present and does not name this tag.
    static func checkIfMatch(_ request: Request, tag: String) throws {
        guard let header = request.headers[.ifMatch] else { return }
        let matches = header.split(separator: ",").contains { let item = $0.trimmingCharacters(in: .whitespaces); return item == "*" || item == tag }
        guard matches else { throw AppError.preconditionFailed }
    }

    /// A JSON response carrying its tag (by default a digest of the body), or a bodiless 304 when the client already
    /// has it. Encoded once.
    static func respond(_ value: some Encodable, request: Request, status: HTTPResponse.Status = .ok, tag explicit: String? = nil) throws
        -> Response
    {
        let body = try JSONCoding.encoder.encode(value)
        let tag = explicit ?? tag(for: body)
        if status == .ok, notModified(request, tag: tag) {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        return .json(body, status: status, headers: [.eTag: tag])
    }
}
