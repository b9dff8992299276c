import Foundation
import Hummingbird
import NIOCore
import PhoneAuthAPI
import PhoneAuthCore

/// Sign-in over HTTP: send a code, trade it for tokens. `SessionService` does the work; refresh and logout are
/// `SessionController`'s routes.
struct AuthController: Sendable {
    let codes: CodeSender
    let sessions: SessionService
    /// A send from a device already signed in to the number's account skips the operator's checks.
    let callers: any CallerResolver
    let idempotency: any IdempotencyRepository
    /// The caller's address and network, as every per-network limit counts them.
    let clientNetwork: ClientNetwork
    let markets: MarketCatalog
    /// The SMS Retriever hashes of the Android apps this server serves.
    let androidAppHashes: Set<String>
    let now: WallClock

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("send-code", use: sendCode)
        group.post("verify-code", use: verifyCode)
    }

    /// The answer is the same whether or not the phone belongs to a user, and for a disabled user (who gets no SMS).
    /// With an `Idempotency-Key`, a repeat for the same phone within the code's lifetime replays the first success and
    /// sends nothing; a failed first try frees the key, so retrying with it is a fresh attempt.
    @Sendable func sendCode(_ request: Request, context: AppRequestContext) async throws -> Response {
        var request = request
        // The document's bounds, before a replay: a request the document calls invalid is refused even under a key that
        // succeeded before.
        let form = try SendCodeForm(try await request.decodeJSON(as: SendCodeRequest.self))
        guard let key = try IdempotencyKey.of(request) else {
            return try EditedResponse(status: .accepted, response: try await send(form, request: request, context: context))
                .response(from: request, context: context)
        }
        let issuedAt = now()
        // Scoped to the caller's network: a replay hands out a verification id, which must never reach a stranger
        // who knows the phone and the key. From elsewhere the same key is a new request, under every limit.
        let scoped = "send-code:\(network(request, context)):\(key)"
        let expiresAt = issuedAt.addingTimeInterval(codes.lifetime.seconds)
        return try await IdempotentRequest(store: idempotency).run(
            key: scoped, subject: form.phone.e164, expiresAt: expiresAt, now: issuedAt, status: .accepted,
            work: { try await send(form, request: request, context: context) },
            respond: { try EditedResponse(status: .accepted, response: $0).response(from: request, context: context) },
            replay: { status, stored in .json(stored, status: status) })
    }

    private func send(_ form: SendCodeForm, request: Request, context: AppRequestContext) async throws -> CodeSent {
        let market = try markets.market(for: form.phone)
        let answer = try form.answer()
        let sent = try await codes.send(
            to: form.phone, market: market, network: network(request, context), answer: answer,
            wording: form.wording(appHashes: androidAppHashes, logger: context.logger), channel: form.channel,
            trustedDevice: await signedIn(request, to: form.phone, context: context), logger: context.logger)
        return SendCodeForm.response(sent, market: market.code, codes: codes)
    }

    /// Whether the request carries a live access token of the account that holds `phone` (a device asking for a code
    /// for its own account: a step-up before deleting it). Any token that does not resolve is just not trusted.
    private func signedIn(_ request: Request, to phone: PhoneNumber, context: AppRequestContext) async -> Bool {
        guard codes.networkChecks != nil, let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { return false }
        guard let caller = try? await callers.resolve(bearer: String(header.dropFirst(7)), logger: context.logger) else { return false }
        return caller.user.phoneNumber == phone.e164
    }

    private func clientIP(_ request: Request, _ context: AppRequestContext) -> String {
        clientNetwork.address(request, peer: context.peerAddress)
    }

    private func network(_ request: Request, _ context: AppRequestContext) -> String {
        clientNetwork.key(request, peer: context.peerAddress)
    }

    @Sendable func verifyCode(_ request: Request, context: AppRequestContext) async throws -> TokenGrant {
        var request = request
        let body = try await request.decodeJSON(as: VerifyCodeRequest.self)
        let target: VerificationTarget
        if let id = body.verificationID {
            guard VerificationID.isWellFormed(id) else {
                throw AppError.invalidRequest("verification_id is not one send-code returned.", field: "verification_id")
            }
            target = .id(hash: VerificationID.hash(id))
        } else if let raw = body.phone {
            let phone = try PhoneNumber(parsing: raw)
            _ = try markets.market(for: phone)
            target = .phone(phone.e164)
        } else {
            throw AppError.invalidRequest("The field \"verification_id\" (or, for older clients, \"phone\") is required.", field: "verification_id")
        }
        guard body.verificationCode.utf8.count == 6, body.verificationCode.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw AppError.invalidRequest("The verification code must be 6 digits.", field: "verification_code")
        }
        let grant = try await sessions.signIn(
            target, code: body.verificationCode, network: network(request, context), userAgent: request.headers[.userAgent],
            ip: clientIP(request, context), logger: context.logger)
        if grant.simSwapNotice, let phone = try? PhoneNumber(parsing: grant.user.phoneNumber) {
            let language = MessageLanguage.pick(nil, grant.user.language, (try? markets.market(for: phone))?.defaultLanguage ?? "en")
            await codes.notice(codes.texts.simSwapSignIn(language: language), to: phone, language: language, logger: context.logger)
        }
        return TokenGrant(grant, service: sessions)
    }
}
