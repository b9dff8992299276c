import Foundation

/// A change made while offline, kept in order in the cache file until a sync pushes it.
public enum PendingEdit: Codable, Sendable, Equatable {
    /// `ifMatch`: the profile version the change was made on.
    case updateProfile(ProfileUpdate, ifMatch: String?)
    /// The key makes a push that is retried (its answer lost) create the address once.
    case addAddress(AddressFields, idempotencyKey: String)
    case editAddress(id: Int64, AddressFields, ifMatch: String?)
    case deleteAddress(id: Int64)
}

/// An offline change the server refused when it was pushed; the server's version stands.
public struct DroppedEdit: Sendable, Equatable {
    public var edit: PendingEdit
    /// The server's error code, e.g. `precondition_failed` when the resource changed meanwhile.
    public var code: String
    public var message: String
}

/// What a sync did.
public struct SyncReport: Sendable, Equatable {
    public var pushed: Int
    public var dropped: [DroppedEdit]
    public var lastSync: Date
}

/// Whether a change reached the server now or waits for the next sync.
public enum ChangeOutcome<Value: Sendable>: Sendable {
    case applied(Value)
    case queued
}
