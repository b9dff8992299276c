import Foundation
import Hummingbird
import Logging
import PhoneAuthCore

/// The one place errors become responses: every error, ours or the framework's, leaves as
/// `{"error":{"code","message"}}` with its status. It never throws, so it sits just inside the request logger.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteCatalog
    let metrics: ServerMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let appError = map(error, request: request, logger: context.logger)
            return Self.response(for: appError)
        }
    }

    private func map(_ error: any Error, request: Request, logger: Logger) -> AppError {
        switch error {
        case let error as AppError:
            return error
        case let error as any HTTPResponseError:
            switch error.status {
            case .notFound:
                // The router answers 404 both for unknown paths and for known paths with another method.
                if let allowed = routes.allowedMethods(path: request.uri.path), !allowed.isEmpty {
                    return .methodNotAllowed(allowed.map(\.rawValue))
                }
                return .notFound
            case .contentTooLarge: return .payloadTooLarge
            case .unauthorized: return .unauthorized
            case .badRequest: return .invalidRequest("The request is malformed.")
            default:
                logger.error("unmapped framework error", metadata: ["status": "\(error.status.code)"])
                return .internalError
            }
        default:
            if let unavailable = StorageFailure.unavailable(error) {
                logger.warning("storage unavailable", metadata: ["reason": "\(unavailable.reason)"])
                metrics.databaseError()
                return .storageUnavailable
            }
            var metadata: Logger.Metadata = ["error": "\(String(reflecting: type(of: error)))"]
            for (key, value) in StorageFailure.diagnostics(of: error) { metadata[key] = "\(value)" }
            logger.error("internal error", metadata: metadata)
            return .internalError
        }
    }

    static func response(for error: AppError) -> Response {
        let body = (try? JSONCoding.encoder.encode(error.body)) ?? Data(#"{"error":{"code":"internal_error","message":""}}"#.utf8)
        return .json(body, status: error.status, headers: error.headers)
    }
}
