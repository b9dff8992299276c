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
    let idempotency: any IdempotencyRepository
    /// The caller's address and network, as every per-network limit counts them.
    let clientNetwork: ClientNetwork
    let markets: MarketCatalog
    /// The SMS Retriever hashes of the Android apps this server serves.
    let androidAppHashes: Set<String>
    let codeLifetime: Duration
    let resendAfter: Duration
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
        let body = try await request.decodeJSON(as: SendCodeRequest.self)
        let phone = try PhoneNumber(parsing: body.phone)
        // The document's bounds (Unicode scalars, as JSON Schema counts), whether or not this send needs the answer, and
        // before a replay: a request the document calls invalid is refused even under a key that succeeded before.
        if let challenge = body.challenge, challenge.unicodeScalars.count > 256 {
            throw AppError.invalidRequest("challenge is at most 256 characters.", field: "challenge")
        }
        if let solution = body.solution, solution.unicodeScalars.count > 64 {
            throw AppError.invalidRequest("solution is at most 64 characters.", field: "solution")
        }
        if let language = body.language, !Self.isLanguageTag(language) {
            throw AppError.invalidRequest("language is a BCP 47 tag such as ru or ky-KG.", field: "language")
        }
        if let channel = body.channel, DeliveryChannel(rawValue: channel.rawValue) == nil {
            throw AppError.invalidRequest("channel is one of sms, whatsapp, telegram and voice.", field: "channel")
        }
        if let hash = body.appHash, !Autofill.isValidAppHash(hash) {
            throw AppError.invalidRequest("app_hash is the 11-character SMS Retriever hash of an Android app.", field: "app_hash")
        }
        guard let key = try IdempotencyKey.of(request) else {
            return try EditedResponse(status: .accepted, response: try await send(to: phone, body: body, request: request, context: context))
                .response(from: request, context: context)
        }
        let issuedAt = now()
        // Scoped to the caller's network: a replay hands out a verification id, which must never reach a stranger
        // who knows the phone and the key. From elsewhere the same key is a new request, under every limit.
        let scoped = "send-code:\(network(request, context)):\(key)"
        let expiresAt = issuedAt.addingTimeInterval(codeLifetime.seconds)
        return try await IdempotentRequest(store: idempotency).run(
            key: scoped, subject: phone.e164, expiresAt: expiresAt, now: issuedAt, status: .accepted,
            work: { try await send(to: phone, body: body, request: request, context: context) },
            respond: { try EditedResponse(status: .accepted, response: $0).response(from: request, context: context) },
            replay: { status, stored in .json(stored, status: status) })
    }

    private func send(
        to phone: PhoneNumber, body: SendCodeRequest, request: Request, context: AppRequestContext
    ) async throws
        -> CodeSent
    {
        let market = try markets.market(for: phone)
        let answer: ChallengeGate.Answer?
        switch (body.challenge, body.solution) {
        case (nil, nil): answer = nil
        case (let token?, let solution?): answer = .init(token: token, solution: solution)
        case (nil, _?): throw AppError.invalidRequest("solution needs the challenge it solves.", field: "challenge")
        case (_?, nil): throw AppError.invalidRequest("challenge needs its solution.", field: "solution")
        }
        // An app hash this server does not know is left out (the text gets the market's line), never put in a text.
        let appHash = body.appHash.flatMap { androidAppHashes.contains($0) ? $0 : nil }
        if body.appHash != nil, appHash == nil { context.logger.notice("send-code: app_hash is not one of --android-app-hash; ignored") }
        let wording = CodeSender.Wording(language: body.language, appHash: appHash)
        let sent = try await codes.send(
            to: phone, market: market, network: network(request, context), answer: answer, wording: wording,
            channel: body.channel.flatMap { DeliveryChannel(rawValue: $0.rawValue) }, logger: context.logger)
        let offers = codes.fallback.availability(codes.channels.channels(for: market.code), used: sent.channel)
        return CodeSent(
            verificationID: sent.verificationID, expiresIn: Int(codeLifetime.seconds), resendAfter: Int(resendAfter.seconds),
            channel: Channel(rawValue: sent.channel.rawValue),
            channels: offers.map { ChannelOffer(channel: Channel(rawValue: $0.0.rawValue), availableIn: $0.1) })
    }

    /// What the document's pattern allows: a primary subtag of 2 to 8 letters, then subtags of 1 to 8 letters or digits.
    static func isLanguageTag(_ tag: String) -> Bool {
        guard tag.utf8.count <= 35 else { return false }
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        func alpha(_ c: UInt8) -> Bool { (65...90).contains(c) || (97...122).contains(c) }
        guard let first = parts.first, (2...8).contains(first.utf8.count), first.utf8.allSatisfy(alpha) else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.utf8.count) && part.utf8.allSatisfy { alpha($0) || (48...57).contains($0) }
        }
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
        return TokenGrant(grant, service: sessions)
    }
}
