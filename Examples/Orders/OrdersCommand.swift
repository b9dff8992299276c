import ArgumentParser
import Foundation
import Hummingbird
import PhoneAuthHummingbird
import PhoneAuthResourceServer

/// An example market-specific service built on PhoneAuth's resource-server kit: it verifies PhoneAuth's access tokens
/// itself (ES256 by the JWKS, or HS256 with the shared secret), learns of revocations from PhoneAuth's stream, and
/// serves each market's orders only to that market's users.
@main
struct OrdersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "orders-example", abstract: "An orders API that trusts PhoneAuth's tokens.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8090
    @Option(help: "PhoneAuth's base address (JWKS, introspection, the revocation stream).") var phoneauthURL: String
    @Option(help: "Where the revocation stream is read, when not at --phoneauth-url.") var streamURL: String?
    @Option(help: "Introspection client id (PhoneAuth's --introspection-client ID:SECRET); without it, no revocation stream.")
    var clientID: String?
    @Option(help: "Introspection client secret (ORDERS_CLIENT_SECRET).") var clientSecret: String?
    @Option(help: "HS256 secret file (PhoneAuth's --jwt-secret); without it, ES256 by PhoneAuth's JWKS.") var hs256SecretFile: String?
    @Option(help: "kid of the HS256 key (PhoneAuth's --jwt-key-id).") var hs256Kid = "k1"
    @Option(help: "PhoneAuth's --issuer.") var issuer = "phoneauth"
    @Option(help: "PhoneAuth's --audience.") var audience = "phoneauth-api"
    @Option(help: "While the stream is down: introspect (each token asked, answers kept 5 s) or refuse.") var fallback = "introspect"
    @Option(help: "Seconds without a byte on the stream before it counts as dead.") var staleAfter: Double = 15
    @Option(help: "Markets served, comma-separated.") var markets = "kg,us"

    func run() async throws {
        guard let base = URL(string: phoneauthURL), base.scheme != nil else { throw ValidationError("--phoneauth-url must be an absolute URL") }
        let keys: PhoneAuthTokenVerifier.Keys
        if let file = hs256SecretFile {
            let secret = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            keys = .hs256(kid: hs256Kid, secret: Array(secret.utf8))
        } else {
            keys = .jwks(base.appending(path: ".well-known/jwks.json"))
        }
        let verifier = PhoneAuthTokenVerifier(keys: keys, issuer: issuer, audience: audience)
        var revocations: PhoneAuthRevocations?
        if let clientID {
            guard let secret = clientSecret ?? ProcessInfo.processInfo.environment["ORDERS_CLIENT_SECRET"] else {
                throw ValidationError("--client-id needs --client-secret or ORDERS_CLIENT_SECRET")
            }
            let mode: PhoneAuthRevocations.Fallback
            switch fallback {
            case "introspect": mode = .introspect(cacheFor: 5)
            case "refuse": mode = .refuse
            default: throw ValidationError("--fallback is introspect or refuse")
            }
            let stream = try streamURL.map { text in
                guard let url = URL(string: text), url.scheme != nil else { throw ValidationError("--stream-url must be an absolute URL") }
                return url
            }
            revocations = PhoneAuthRevocations(
                phoneAuth: base, clientID: clientID, clientSecret: secret, fallback: mode, streamURL: stream, staleAfter: staleAfter)
            await revocations?.start()
        }
        let router = Router(context: OrdersContext.self)
        OrdersController(markets: markets.split(separator: ",").map(String.init), revocations: revocations)
            .addRoutes(to: router, authenticator: PhoneAuthAuthenticator(verifier: verifier, revocations: revocations))
        let app = Application(router: router, configuration: .init(address: .hostname(host, port: port), serverName: "orders-example"))
        try await app.runService()
    }
}
