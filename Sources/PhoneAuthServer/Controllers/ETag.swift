import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Entity tags for conditional requests: a resource's id and last change (to the millisecond), or a digest of a list.
/// Clients revalidate caches with `If-None-Match` (304) and guard edits with `If-Match` (412).
enum ETag {
    static func of(_ user: User) -> String {
        "\"u\(user.id ?? 0)-\(user.updatedAt.milliseconds)\""
    }

    static func of(_ address: Address) -> String {
        "\"a\(address.id ?? 0)-\(address.updatedAt.milliseconds)\""
    }

    static func of(_ addresses: [Address]) -> String {
        let text = addresses.map { "\($0.id ?? 0):\($0.updatedAt.milliseconds)" }.joined(separator: ",")
        return "\"l" + SHA256.hash(data: Data(text.utf8)).prefix(12).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// True when `If-None-Match` names this tag (or `*`): the client's copy is current.
    static func notModified(_ request: Request, tag: String) -> Bool {
        guard let header = request.headers[.ifNoneMatch] else { return false }
        return header.split(separator: ",").contains { let item = $0.trimmingCharacters(in: .whitespaces); return item == "*" || item == tag || item == "W/" + tag }
    }

    /// Throws 412 when `If-Match` is present and does not name this tag.
    static func checkIfMatch(_ request: Request, tag: String) throws {
        guard let header = request.headers[.ifMatch] else { return }
        let matches = header.split(separator: ",").contains { let item = $0.trimmingCharacters(in: .whitespaces); return item == "*" || item == tag }
        guard matches else { throw AppError.preconditionFailed }
    }

    /// A JSON response carrying its tag, or a bodiless 304 when the client already has it.
    static func respond(_ value: some ResponseEncodable, tag: String, request: Request, context: some RequestContext, status: HTTPResponse.Status = .ok)
        throws -> Response
    {
        if status == .ok, notModified(request, tag: tag) {
            return Response(status: .notModified, headers: [.eTag: tag])
        }
        var response = try EditedResponse(status: status, response: value).response(from: request, context: context)
        response.headers[.eTag] = tag
        return response
    }
}
