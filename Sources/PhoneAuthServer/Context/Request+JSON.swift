import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import PhoneAuthCore

extension Response {
    /// A JSON body already encoded (an error, a replayed answer, an ETag-ed value).
    static func json(_ body: Data, status: HTTPResponse.Status, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}

extension Request {
    /// Reads at most 16 KiB and decodes it, naming the offending field when the JSON does not fit the shape. A body
    /// declared as anything but JSON is refused with 415 before it is read.
    mutating func decodeJSON<Value: Decodable>(as type: Value.Type) async throws -> Value {
        try checkJSONContentType()
        return try Self.decode(Value.self, from: try await collectJSONBody())
    }

    /// Like `decodeJSON`, but an empty body (an optional one, such as a ban's reason) is nil.
    mutating func decodeJSONIfPresent<Value: Decodable>(as type: Value.Type) async throws -> Value? {
        let buffer = try await collectJSONBody()
        guard buffer.readableBytes > 0 else { return nil }
        try checkJSONContentType()
        return try Self.decode(Value.self, from: buffer)
    }

    private func checkJSONContentType() throws {
        guard let declared = headers[.contentType] else { return }
        // What clients send nearly always, checked without Foundation's trimming and Unicode case folding (a measured
        // 2 % of a sign-in's CPU).
        if declared == "application/json" || declared == "application/json; charset=utf-8" { return }
        let media = declared.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json")) else {
            throw AppError.unsupportedMediaType
        }
    }

    private mutating func collectJSONBody() async throws -> ByteBuffer {
        do {
            return try await collectBody(upTo: JSONCoding.maxBodyBytes)
        } catch is NIOTooManyBytesError {
            throw AppError.payloadTooLarge
        }
    }

    private static func decode<Value: Decodable>(_ type: Value.Type, from buffer: ByteBuffer) throws -> Value {
        if let key = JSONDuplicateKeys.first(in: Array(buffer.readableBytesView)) {
            throw AppError.invalidRequest("The field \"\(key.prefix(64))\" appears more than once.", field: String(key.prefix(64)))
        }
        do {
            return try JSONCoding.decoder.decode(Value.self, from: buffer)
        } catch let error as DecodingError {
            throw Self.describe(error)
        }
    }

    private static func describe(_ error: DecodingError) -> AppError {
        func path(_ keys: [any CodingKey]) -> String { keys.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context.codingPath + [key])
            return .invalidRequest("The field \"\(field)\" is required.", field: field)
        case .typeMismatch(_, let context) where context.codingPath.isEmpty:
            return .invalidRequest("The body must be a JSON object.")
        case .typeMismatch(let type, let context):
            let field = path(context.codingPath)
            return .invalidRequest("The field \"\(field)\" must be \(Self.name(of: type)).", field: field)
        case .valueNotFound(let type, let context):
            let field = path(context.codingPath)
            return .invalidRequest("The field \"\(field)\" must be \(Self.name(of: type)), not null.", field: field)
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            return .invalidRequest("The body is not valid JSON.")
        case .dataCorrupted(let context):
            let field = path(context.codingPath)
            return .invalidRequest("The field \"\(field)\" is invalid.", field: field)
        @unknown default:
            return .invalidRequest("The body does not have the expected shape.")
        }
    }

    private static func name(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Bool.Type: "true or false"
        default: "an object"
        }
    }
}
