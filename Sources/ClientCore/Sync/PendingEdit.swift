import Foundation

/// A change made while offline, kept in order in the cache file until a sync pushes it.
public enum PendingEdit: Codable, Sendable, Equatable {
    /// `ifMatch`: the profile version the change was made on.
    case updateProfile(ProfileUpdate, ifMatch: String?)
    /// The key makes a push that is retried (its answer lost) create the address once.
    case addAddress(AddressFields, idempotencyKey: String)
    /// `ifMatch`: the address version the change was made on.
    case editAddress(id: Int64, AddressFields, ifMatch: String?)
    /// Already gone on the server counts as done.
    case deleteAddress(id: Int64)
}

/// An offline change the server refused when it was pushed; the server's version stands.
public struct DroppedEdit: Sendable, Equatable {
    /// The edit the server refused.
    public var edit: PendingEdit
    /// The server's error code, e.g. `precondition_failed` when the resource changed meanwhile.
    public var code: String
    /// The server's explanation.
    public var message: String
}

/// What a sync did.
public struct SyncReport: Sendable, Equatable {
    /// Edits the server accepted.
    public var pushed: Int
    /// Edits the server refused (the record changed meanwhile, or the edit was invalid); the server's version wins.
    public var dropped: [DroppedEdit]
    /// When this sync finished.
    public var lastSync: Date
}

/// Whether a change reached the server now or waits for the next sync.
public enum ChangeOutcome<Value: Sendable>: Sendable {
    /// The server took the change; its answer.
    case applied(Value)
    /// The server could not be reached; the change waits in the queue for ``ProfileSync/sync()``.
    case queued
}
