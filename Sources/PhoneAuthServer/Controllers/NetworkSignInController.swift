import Foundation
import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// Silent sign-in over HTTP (`SilentSignIn`): start a flow for a number, and finish it with what the operator's
/// redirect carried. Every refusal is the client's cue to send a code instead. Served whether or not an operator is
/// configured: with none, every start says to send a code.
struct NetworkSignInController: Sendable {
    let silent: SilentSignIn?
    let sessions: SessionService
    let clientNetwork: ClientNetwork
    let markets: MarketCatalog

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("start", use: start)
        group.get("callback", use: callback)
        group.post("verify", use: verify)
    }

    @Sendable func start(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<NetworkStart> {
        var request = request
        let body = try await request.decodeJSON(as: NetworkStartRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        let market = try markets.market(for: phone)
        guard Self.isS256(body.codeChallenge) else {
            throw AppError.invalidRequest("code_challenge is the base64url SHA-256 of a verifier (43 characters).", field: "code_challenge")
        }
        guard let silent else { return EditedResponse(status: .ok, response: NetworkStart(method: "sms", reason: "no_operator")) }
        let answer: NetworkStart
        switch try await silent.start(phone: phone, market: market, clientChallenge: body.codeChallenge, logger: context.logger) {
        case .flow(let id, let url, let expiresIn):
            answer = NetworkStart(
                method: "network", flowID: id, authorizeURL: url, callbackURL: silent.checks.callbackURL(market.code), expiresIn: expiresIn)
        case .fallback(let reason):
            answer = NetworkStart(method: "sms", reason: reason)
        }
        return EditedResponse(status: .ok, response: answer)
    }

    /// Where the operator sends the device back. The app takes `code` and `state` from the redirect itself and posts them
    /// with its verifier; a browser that lands here instead is told to go back to the app (nothing happens here).
    @Sendable func callback(_ request: Request, context: AppRequestContext) async throws -> Response {
        throw AppError.invalidRequest("This address finishes a sign-in inside the app that started it; go back to the app.", field: nil)
    }

    @Sendable func verify(_ request: Request, context: AppRequestContext) async throws -> TokenGrant {
        var request = request
        let body = try await request.decodeJSON(as: NetworkVerifyRequest.self)
        for (field, value, limit) in [("flow_id", body.flowID, 64), ("code", body.code, 2_048), ("state", body.state, 256)] {
            guard !value.isEmpty, value.utf8.count <= limit else {
                throw AppError.invalidRequest("\(field) is what the start and the operator's redirect gave.", field: field)
            }
        }
        guard (43...128).contains(body.codeVerifier.utf8.count) else {
            throw AppError.invalidRequest("code_verifier is 43 to 128 characters.", field: "code_verifier")
        }
        guard let silent else { throw AppError.networkVerificationFailed }
        let grant = try await silent.verify(
            flowID: body.flowID, code: body.code, state: body.state, codeVerifier: body.codeVerifier,
            network: clientNetwork.key(request, peer: context.peerAddress), userAgent: request.headers[.userAgent],
            ip: clientNetwork.address(request, peer: context.peerAddress), logger: context.logger)
        return TokenGrant(grant, service: sessions)
    }

    /// A PKCE S256 challenge: 43 base64url characters.
    static func isS256(_ text: String) -> Bool {
        text.utf8.count == 43
            && text.utf8.allSatisfy { byte in
                (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            }
    }
}
