/// The data of the stream's `reset` event: the subscriber's resume point could not be honoured (it was too old, or
/// from another database), so it must forget every revocation it holds; the events that follow replay every one that
/// can still matter, those since `replaySinceMilliseconds` (tokens issued before it have expired).
public struct RevocationReset: Codable, Sendable, Equatable {
    /// Where the replay begins, in milliseconds since 1970.
    public var replaySinceMilliseconds: Int64

    /// A reset as the stream sends it.
    public init(replaySinceMilliseconds: Int64) {
        self.replaySinceMilliseconds = replaySinceMilliseconds
    }

    package enum CodingKeys: String, CodingKey {
        case replaySinceMilliseconds = "replay_since_ms"
    }
}
