import Hummingbird
import PhoneAuthCore

extension Request {
    /// The query parameter `name` as a whole number in `range`: nil when absent, a 400 `invalid_request` naming the
    /// parameter when it is anything else. The admin listings' `limit`, `before` and `operator` all read this way.
    func queryNumber(_ name: String, in range: ClosedRange<Int64>) throws -> Int64? {
        guard let text = uri.queryParameters.get(name) else { return nil }
        guard let value = Int64(text), range.contains(value) else {
            throw AppError.invalidRequest("\(name) must be a number from \(range.lowerBound) to \(range.upperBound).", field: name)
        }
        return value
    }
}
