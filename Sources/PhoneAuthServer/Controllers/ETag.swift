import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PhoneAuthAPI
import PhoneAuthCore

/// Entity tags for conditional requests: a digest of the exact JSON a client would receive, so any change to what it
/// sees changes the tag, however close together two edits come. Clients revalidate caches with `If-None-Match` (304)
/// and guard edits with `If-Match` (412).
enum ETag {
    static func of(_ user: User) throws -> String { try of(UserProfile(user)) }

    /// The tag of this version of an address: a digest of its fields, also the `etag` of each item of a list.
    static func of(_ address: PhoneAuthCore.Address) throws -> String { try of(PhoneAuthAPI.Address(fields: address)) }

    static func of(_ value: some Encodable) throws -> String {
        tag(for: try JSONCoding.encoder.encode(value))
    }

    private static func tag(for body: Data) -> String {
        "\"" + SHA256.hash(data: body).prefix(16).hex + "\""
    }

    /// True when `If-None-Match` names this tag (or `*`): the client's copy is current.
    static func notModified(_ request: Request, tag: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains {
            let item = $0.trimmingCharacters(in: .whitespaces)
            return item == "*" || item == tag || item == "W/" + tag
        }
    }

    /// Throws 412 when `If-Match` is present and does not name this tag, 400 when it is not `*` or a list of entity
    /// tags (RFC 9110 §13.1.1: an empty header names nothing, and is no precondition a client meant).
    static func checkIfMatch(_ request: Request, tag: String) throws {
        guard let header = request.headers[.ifMatch] else { return }
        guard let tags = EntityTagList.parse(header) else {
            throw AppError.invalidRequest("If-Match must be * or one or more entity tags, as an ETag header gave them.", field: "If-Match")
        }
        guard tags.contains(where: { $0 == "*" || $0 == tag }) else { throw AppError.preconditionFailed }
    }

    /// A JSON body and its tag, ready to answer with (and to keep: `ProfileController` memoizes them).
    struct Encoded: Sendable {
        var body: ByteBuffer
        var tag: String

        /// What a memo of one holds, its key included: the key is the value the body encodes, about as large again.
        var memoryCost: Int { 2 * body.readableBytes + tag.utf8.count + 256 }

        /// Bodies kept per controller: 8 MiB, whatever their number.
        static let memoBytes = 8 << 20
    }

    static func encode(_ value: some Encodable) throws -> Encoded {
        let body = try JSONCoding.encoder.encode(value)
        return Encoded(body: ByteBuffer(bytes: body), tag: tag(for: body))
    }

    /// A JSON response carrying its tag (by default a digest of the body), or a bodiless 304 when the client already
    /// has it. Encoded once.
    static func respond(
        _ value: some Encodable, request: Request, status: HTTPResponse.Status = .ok, tag explicit: String? = nil
    ) throws
        -> Response
    {
        var encoded = try encode(value)
        if let explicit { encoded.tag = explicit }
        return respond(encoded, request: request, status: status)
    }

    static func respond(_ encoded: Encoded, request: Request, status: HTTPResponse.Status = .ok) -> Response {
        if status == .ok, notModified(request, tag: encoded.tag) {
            return Response(status: .notModified, headers: [.eTag: encoded.tag])
        }
        return Response(
            status: status, headers: [.eTag: encoded.tag, .contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: encoded.body))
    }
}
