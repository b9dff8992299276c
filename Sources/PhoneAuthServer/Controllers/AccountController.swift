import Foundation
import Hummingbird
import PhoneAuthAPI
import PhoneAuthCore

/// The caller's whole account: `DELETE /api/v1/account` (after a fresh sign-in), `GET /api/v1/account/export`, and a
/// move to another number (`POST /api/v1/account/phone`, then `…/phone/verify` with the code sent to it).
struct AccountController: Sendable {
    let accounts: AccountService
    let changer: PhoneChanger
    let clientNetwork: ClientNetwork
    /// The SMS Retriever hashes of the Android apps this server serves.
    let androidAppHashes: Set<String>

    func addRoutes(to api: RouterGroup<AuthenticatedContext>) {
        api.delete("v1/account", use: delete)
        api.get("v1/account/export", use: export)
        api.post("v1/account/phone", use: changePhone)
        api.post("v1/account/phone/verify", use: confirmPhone)
    }

    /// 202 as send-code's, whoever holds the new number: a code goes to it for this session to confirm the move with.
    @Sendable func changePhone(_ request: Request, context: AuthenticatedContext) async throws -> EditedResponse<CodeSent> {
        var request = request
        let form = try SendCodeForm(try await request.decodeJSON(as: SendCodeRequest.self))
        let network = clientNetwork.key(request, peer: context.peerAddress)
        let sent = try await changer.start(
            context.caller, to: form.phone, network: network, answer: try form.answer(),
            wording: form.wording(appHashes: androidAppHashes, logger: context.logger), channel: form.channel, logger: context.logger)
        return EditedResponse(status: .accepted, response: SendCodeForm.response(sent, market: context.caller.market, codes: changer.sender))
    }

    /// 200 with the profile under its new number; 409 `phone_taken` when another account holds it (after the code
    /// proved the number; nothing changes).
    @Sendable func confirmPhone(_ request: Request, context: AuthenticatedContext) async throws -> UserProfile {
        var request = request
        let body = try await request.decodeJSON(as: VerifyCodeRequest.self)
        guard let id = body.verificationID, VerificationID.isWellFormed(id) else {
            throw AppError.invalidRequest("verification_id is the one the number change's send returned.", field: "verification_id")
        }
        guard body.verificationCode.utf8.count == 6, body.verificationCode.utf8.allSatisfy({ (48...57).contains($0) }) else {
            throw AppError.invalidRequest("The verification code must be 6 digits.", field: "verification_code")
        }
        let network = clientNetwork.key(request, peer: context.peerAddress)
        let user = try await changer.confirm(
            context.caller, verificationID: id, code: body.verificationCode, network: network, logger: context.logger)
        return UserProfile(user)
    }

    /// 204 once erased; 403 `step_up_required` unless this session was opened by a code within the step-up window.
    @Sendable func delete(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        try await accounts.deleteOwn(context.caller, logger: context.logger)
        return Response(status: .noContent)
    }

    /// One JSON document, sent as a download.
    @Sendable func export(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let document = try await accounts.export(context.caller)
        let body = try JSONCoding.encoder.encode(document)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"phoneauth-account-\(context.caller.userID).json\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
