import Foundation
import Logging
import PhoneAuthAPI
import PhoneAuthCore

/// A send-code body as both doors that send codes read it (`POST /auth/send-code`, and a number change's
/// `POST /api/v1/account/phone`): the document's bounds, the solved challenge, the wording and the channel, and the
/// 202 the send ends in.
struct SendCodeForm {
    let body: SendCodeRequest
    let phone: PhoneNumber

    /// Refuses what the document calls invalid (Unicode scalars, as JSON Schema counts), whether or not this send
    /// needs it.
    init(_ body: SendCodeRequest) throws {
        self.body = body
        phone = try PhoneNumber(parsing: body.phone)
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
    }

    /// The solved challenge, when the request repeats a 428 with one.
    func answer() throws -> ChallengeGate.Answer? {
        switch (body.challenge, body.solution) {
        case (nil, nil): nil
        case (let token?, let solution?): .init(token: token, solution: solution)
        case (nil, _?): throw AppError.invalidRequest("solution needs the challenge it solves.", field: "challenge")
        case (_?, nil): throw AppError.invalidRequest("challenge needs its solution.", field: "solution")
        }
    }

    /// An app hash this server does not know is left out (the text gets the market's line), never put in a text.
    func wording(appHashes: Set<String>, logger: Logger) -> CodeSender.Wording {
        let appHash = body.appHash.flatMap { appHashes.contains($0) ? $0 : nil }
        if body.appHash != nil, appHash == nil { logger.notice("send-code: app_hash is not one of --android-app-hash; ignored") }
        return CodeSender.Wording(language: body.language, appHash: appHash)
    }

    var channel: DeliveryChannel? { body.channel.flatMap { DeliveryChannel(rawValue: $0.rawValue) } }

    /// The 202: the verification id, the channel used and the market's others with when each may be asked for.
    static func response(_ sent: CodeSender.Sent, market: String, codes: CodeSender) -> CodeSent {
        let offers = codes.fallback.availability(codes.channels.channels(for: market), used: sent.channel)
        return CodeSent(
            verificationID: sent.verificationID, expiresIn: Int(codes.lifetime.seconds), resendAfter: Int(codes.limits.resendCooldown.seconds),
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
}
