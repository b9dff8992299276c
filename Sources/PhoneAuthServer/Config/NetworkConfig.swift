import PhoneAuthCore

/// The operator network's checks: one operator per market at most, and what a recent SIM swap does.
struct NetworkConfig: Sendable {
    var operators: [NetworkOperatorSettings] = []
    var simSwap = SimSwapPolicy()
}
