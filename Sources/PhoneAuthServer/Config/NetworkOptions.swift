import ArgumentParser
import Foundation
import PhoneAuthCore

/// The operator network's checks (GSMA CAMARA): which operator serves each market, and what a recent SIM swap does.
struct NetworkOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "JSON file of the mobile operators to ask, one per market: {\"operators\":[{\"market\",\"issuer\",\"api_root\",\"client_id\","
                + "\"private_key_file\",\"redirect_uri\",\"checks\"…}]} (PHONEAUTH_NETWORK_OPERATORS; none by default)."))
    var networkOperators: String?
    @Option(help: "Hours a SIM change holds a sign-in by code for (1-2400; PHONEAUTH_SIM_SWAP_WINDOW_HOURS, default 72).")
    var simSwapWindowHours: Int?
    @Option(help: "What a recent SIM swap does: refuse, notify or off (PHONEAUTH_SIM_SWAP_ACTION, default refuse).")
    var simSwapAction: String?
    @Option(help: "When the operator gives no answer: fail-open or fail-closed (PHONEAUTH_SIM_SWAP_ON_FAILURE, default fail-open).")
    var simSwapOnFailure: String?

    /// The operators file's shape.
    struct File: Decodable {
        var operators: [NetworkOperatorSettings]
    }

    func apply(to config: inout AppConfig, source: SettingSource) throws {
        if let path = source.value(networkOperators, "PHONEAUTH_NETWORK_OPERATORS") {
            guard let data = FileManager.default.contents(atPath: path) else { throw ConfigError("cannot read the operators file \(path)") }
            let file: File
            do { file = try JSONDecoder().decode(File.self, from: data) } catch {
                throw ConfigError("the operators file \(path) is not valid: \(error)")
            }
            config.network.operators = try file.operators.map { try $0.validated() }
        }
        if let hours: Int = try source.number(simSwapWindowHours, "PHONEAUTH_SIM_SWAP_WINDOW_HOURS") {
            guard (1...2_400).contains(hours) else { throw ConfigError("the SIM-swap window must be 1 to 2400 hours") }
            config.network.simSwap.window = .seconds(hours * 3_600)
        }
        if let text = source.value(simSwapAction, "PHONEAUTH_SIM_SWAP_ACTION") {
            guard let action = SimSwapPolicy.Action(rawValue: text) else { throw ConfigError("--sim-swap-action must be refuse, notify or off") }
            config.network.simSwap.action = action
        }
        if let text = source.value(simSwapOnFailure, "PHONEAUTH_SIM_SWAP_ON_FAILURE") {
            guard let mode = SimSwapPolicy.OnFailure(rawValue: text) else {
                throw ConfigError("--sim-swap-on-failure must be fail-open or fail-closed")
            }
            config.network.simSwap.onFailure = mode
        }
    }
}
