import Foundation

/// An event an endpoint never accepted within its retry time: kept, with the body it was sent, until an operator asks
/// for it again (`retryRequestedAt`) and it is delivered (`deliveredAt`).
package struct WebhookDeadLetter: Sendable, Equatable {
    package var id: Int64
    package var endpointID: Int64
    package var eventID: Int64
    package var type: String
    package var body: String
    package var attempts: Int
    package var lastError: String?
    package var failedAt: Date
    package var retryRequestedAt: Date?
    package var deliveredAt: Date?

    package init(
        id: Int64, endpointID: Int64, eventID: Int64, type: String, body: String, attempts: Int, lastError: String?, failedAt: Date,
        retryRequestedAt: Date? = nil, deliveredAt: Date? = nil
    ) {
        (self.id, self.endpointID, self.eventID, self.type, self.body) = (id, endpointID, eventID, type, body)
        (self.attempts, self.lastError, self.failedAt, self.retryRequestedAt, self.deliveredAt) = (
            attempts, lastError, failedAt, retryRequestedAt, deliveredAt
        )
    }
}
