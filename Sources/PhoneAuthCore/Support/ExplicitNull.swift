import Foundation

/// An optional that encodes `nil` as an explicit `null` instead of leaving its key out. In these answers "none" is
/// something a client reads (a block that never expires, an action from the CLI, a user who is not disabled), and the
/// contract lists every key as required.
@propertyWrapper
package struct ExplicitNull<Value> {
    package var wrappedValue: Value?

    package init(wrappedValue: Value?) {
        self.wrappedValue = wrappedValue
    }
}

extension ExplicitNull: Sendable where Value: Sendable {}
extension ExplicitNull: Equatable where Value: Equatable {}

extension ExplicitNull: Encodable where Value: Encodable {
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}
