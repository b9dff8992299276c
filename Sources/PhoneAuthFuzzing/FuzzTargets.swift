/// Every fuzz target, by the name `phoneauth-fuzz` and `make fuzz` use; each has its corpus in `Tests/Fuzz/corpus/<name>/`.
package enum FuzzTargets {
    package static let all: [FuzzTarget] = [
        PhoneNumberFuzz.target, JSONDuplicateKeysFuzz.target, IntegerListFuzz.target, HTMLEscapeFuzz.target,
        EntityTagsFuzz.target, IdempotencyKeyFuzz.target, ForwardedForFuzz.target, ProofOfWorkFuzz.target,
        AccessTokenFuzz.target, ServerSentEventsFuzz.target,
    ]

    package static func named(_ name: String) -> FuzzTarget? { all.first { $0.name == name } }
}
