/// One event of the revocation stream (`GET /auth/revocations`, the `data:` line of an SSE event whose `id:` is `id`
/// and whose `event:` is `type`). What it ends follows from the ids it carries: with `sessionID`, that session's
/// tokens; with a `userID` alone, the user's tokens issued at or before `atMilliseconds`; with a `market` alone, that
/// market's; with none, every token issued at or before it. A service that does not know a `type` applies it the same
/// way, so a newer PhoneAuth's events are never ignored.
public struct RevocationEvent: Codable, Sendable, Equatable {
    /// Increasing in the order the changes committed; `Last-Event-ID` on a reconnect resumes after it.
    public var id: Int64
    /// `session.ended`, `user.logged_out`, `user.force_logout`, `user.banned`, `user.role_changed`, `user.deleted`,
    /// `user.detached`, `market.force_logout` or `everyone.force_logout`.
    public var type: String
    /// The user it concerns, if one.
    public var userID: Int64?
    /// The session that ended, for `session.ended`.
    public var sessionID: String?
    /// The market it concerns, for `market.force_logout`.
    public var market: String?
    /// When it took effect, in milliseconds since 1970 (the precision tokens' issue times are compared at).
    public var atMilliseconds: Int64

    /// An event as the stream sends it.
    public init(id: Int64, type: String, userID: Int64? = nil, sessionID: String? = nil, market: String? = nil, atMilliseconds: Int64) {
        (self.id, self.type, self.userID, self.sessionID, self.market, self.atMilliseconds) = (id, type, userID, sessionID, market, atMilliseconds)
    }

    /// Every field, `null` where the event names none, so a reader sees the whole shape in each event.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(type, forKey: .type)
        try container.encode(userID, forKey: .userID)
        try container.encode(sessionID, forKey: .sessionID)
        try container.encode(market, forKey: .market)
        try container.encode(atMilliseconds, forKey: .atMilliseconds)
    }

    package enum CodingKeys: String, CodingKey {
        case id, type, market
        case userID = "user_id"
        case sessionID = "session_id"
        case atMilliseconds = "at_ms"
    }
}
