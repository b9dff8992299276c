import Foundation
import PhoneAuthCore

extension CurlResponse {
    /// `Retry-After` in seconds (the HTTP-date form is rare from SMS APIs and read as absent).
    var retryAfter: Duration? {
        header("retry-after").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map { .seconds(max(0, $0)) }
    }
}
