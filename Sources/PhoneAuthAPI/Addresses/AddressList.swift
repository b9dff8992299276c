/// `GET /api/v1/profile/addresses`: `{"addresses":[…]}`, oldest first.
public struct AddressList: Codable, Sendable, Equatable {
    /// The user's addresses, each with its tag.
    public var addresses: [Address]

    /// A list of `addresses`.
    public init(addresses: [Address]) {
        self.addresses = addresses
    }
}
