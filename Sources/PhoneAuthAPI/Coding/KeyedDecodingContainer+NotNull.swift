extension KeyedDecodingContainer {
    /// An optional field whose contract has no `null`: absent is nil, present must hold a `T`. (Foundation's
    /// `decodeIfPresent` reads `null` as absent too, so a body the contract calls invalid would be accepted.)
    package func decodeIfPresentNotNull<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
        guard contains(key) else { return nil }
        if try decodeNil(forKey: key) {
            throw DecodingError.valueNotFound(
                T.self, DecodingError.Context(codingPath: codingPath + [key], debugDescription: "\(key.stringValue) is null"))
        }
        return try decode(T.self, forKey: key)
    }
}
