import Foundation

/// The audit log: appended to by every operator action, read newest first.
package protocol AuditRepository: Sendable {
    func record(_ entry: AuditEntry) async throws
    /// Newest first; `operatorID` and `target` filter when given; `before` pages by id.
    func list(operatorID: Int64?, target: String?, before: Int64?, limit: Int) async throws -> [AuditEntry]
}
