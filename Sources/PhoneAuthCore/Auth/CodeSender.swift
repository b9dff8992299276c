import Foundation
import Logging

/// Issues one-time codes. Each send is a verification of its own, named by an unguessable id the client keeps
/// (`VerificationID`); the code is stored hashed and dies after the code lifetime. Sends pass the abuse limits and the
/// fraud admission first; test numbers text nothing and pass only the cooldown.
package struct CodeSender: Sendable {
    package let signIn: any SignInRepository
    package let limits: SendLimits
    package let testNumbers: TestNumberBook
    package let hasher: CodeHasher
    package let lifetime: Duration
    package let gateway: any MessageGateway
    package let channels: ChannelPlan
    /// Every message a provider took, and its receipts: whether the phone's last code is stuck.
    package let deliveries: any DeliveryRepository
    /// When a stuck code lets the next channel go at once.
    package let fallback: ChannelFallback
    /// Each channel's own budgets and per-phone limits.
    package let allowance: ChannelAllowance
    /// Who texts come from, by market (`--sms-sender`); a market left out gets the provider's default.
    package let senders: [String: SMSSender]
    package let texts: MessageTexts
    package let fraud: FraudSettings
    package let challenges: ChallengeGate
    package let timing: SendTimingMask
    package let metrics: ServerMetrics
    /// The console's counters of sends, challenges and refusals.
    package let activity: ActivityRecorder
    package let random: any RandomSource
    package let now: WallClock
    /// The operator network's checks, by market (`--network-operators`); nil: none configured.
    package var networkChecks: NetworkChecks?

    package init(
        signIn: any SignInRepository,
        limits: SendLimits,
        testNumbers: TestNumberBook,
        hasher: CodeHasher,
        lifetime: Duration,
        gateway: any MessageGateway,
        channels: ChannelPlan = ChannelPlan(),
        deliveries: any DeliveryRepository,
        fallback: ChannelFallback? = nil,
        channelLimits: ChannelLimits = .defaults,
        senders: [String: SMSSender] = [:],
        texts: MessageTexts,
        fraud: FraudSettings,
        challenges: ChallengeGate,
        timing: SendTimingMask,
        metrics: ServerMetrics,
        activity: ActivityRecorder,
        random: any RandomSource,
        now: @escaping WallClock
    ) {
        self.signIn = signIn
        self.limits = limits
        self.testNumbers = testNumbers
        self.hasher = hasher
        self.lifetime = lifetime
        self.gateway = gateway
        self.channels = channels
        self.deliveries = deliveries
        self.allowance = ChannelAllowance(limits: channelLimits, deliveries: deliveries)
        self.senders = senders
        self.fallback = fallback ?? ChannelFallback(cooldown: limits.resendCooldown, deliveryTimeout: .seconds(20))
        self.texts = texts
        self.fraud = fraud
        self.challenges = challenges
        self.timing = timing
        self.metrics = metrics
        self.activity = activity
        self.random = random
        self.now = now
    }

    /// Stores a fresh code, sends it by the channel asked for (else the market's first, or the next after a stuck one
    /// (`ChannelFallback`), then the next ones while a channel cannot reach the number or is down) and returns the
    /// verification id. A switch away from a stuck code skips the cooldown; every other limit applies. If sending fails the code is
    /// removed, so no usable code is left behind; the attempt still counts toward the limits. A disabled user's phone
    /// gets the same answer, after about as long, and no message. Under suspicion the answer is a challenge (428)
    /// instead; `answer` is one solved.
    package func send(
        to phone: PhoneNumber, market: Market, network: String, answer: ChallengeGate.Answer? = nil, wording: Wording = Wording(),
        channel requested: DeliveryChannel? = nil, changeSession: String? = nil, trustedDevice: Bool = false, logger: Logger
    ) async throws -> Sent {
        let issuedAt = now()
        let offered = channels.channels(for: market.code)
        let latest = offered.count > 1 ? try await deliveries.latest(phone: phone.e164) : nil
        let chosen =
            try requested.map { try channels.choose($0, market: market.code) }
            ?? fallback.defaultChannel(offered, latest: latest, now: issuedAt)
        let waived = fallback.waivesCooldown(for: chosen, latest: latest, now: issuedAt)
        let rules = waived ? limits.sendRules.filter { $0.refusal != .resendTooSoon } : limits.sendRules
        let verificationID = VerificationID.make(random: random)
        let attempt = SendAttempt(phone: phone.e164, ip: network, prefix: Self.range(of: phone, in: market))
        if let fixed = testNumbers.code(for: phone, at: issuedAt) {
            // A test number texts nothing, so it shares no budget or limit with real numbers: only its own cooldown.
            if limits.resendCooldown > .zero, let last = try await signIn.latestIssue(phone: phone.e164) {
                let wait = limits.resendCooldown.seconds - issuedAt.timeIntervalSince(last)
                if wait > 0 { throw AppError.resendTooSoon.retrying(after: Int(wait.rounded(.up))) }
            }
            _ = try await store(verificationID, phone: phone, code: fixed, at: issuedAt, changeSession: changeSession)
            logger.info("test number: code stored, no sms", metadata: ["phone": "\(phone.masked)"])
            return Sent(verificationID: verificationID, channel: chosen)
        }
        guard !limits.deniedPrefixes.contains(where: { phone.e164.hasPrefix($0) }) else {
            activity.record(.refused(AppError.phoneNotAllowed.code.rawValue), market: market.code)
            throw AppError.phoneNotAllowed
        }
        var screening = fraud.enabled ? SendScreening(policy: fraud.policy, challengeQuota: limits.challengeRule) : nil
        var rejection: String?
        if let answer, screening != nil {
            switch try await challenges.redeem(answer, phone: phone) {
            case .success(let difficulty): screening?.solvedDifficulty = difficulty
            case .failure(let why): rejection = why.message
            }
        }
        do {
            try await admit(attempt, rules: rules, screening: screening, phone: phone, market: market, rejection: rejection, logger: logger)
        } catch let error as AppError where error.code == .resendTooSoon {
            // Another channel may come sooner than the cooldown's end: when the latest code's delivery time is up.
            if let wait = fallback.secondsUntilSwitch(to: chosen, latest: latest, now: issuedAt), wait < error.retryAfter ?? .max {
                throw AppError.resendTooSoon.retrying(after: wait)
            }
            throw error
        }
        let code = random.numericCode(digits: 6)
        let stored = try await store(verificationID, phone: phone, code: code, at: issuedAt, changeSession: changeSession)
        // Before the code goes out, the operator's word on the number (a banned one's too, so the answer takes as long);
        // a device already signed in to its account is trusted as it is.
        if let networkChecks, !trustedDevice {
            let marks = await networkChecks.precheck(phone: phone.e164, market: market.code, lastSignIn: stored.accountLastSignIn, logger: logger)
            if !marks.isEmpty { try await signIn.mark(id: stored.id, marks) }
        }
        if stored.phoneIsDisabled {
            try? await Task.sleep(for: timing.delay(random: random))
            logger.info("disabled user: no sms", metadata: ["phone": "\(phone.masked)"])
            return Sent(verificationID: verificationID, channel: chosen)
        }
        let language = MessageLanguage.pick(wording.language, stored.userLanguage, market.defaultLanguage)
        let autofill = wording.appHash.map(Autofill.appHash) ?? market.otpDomain.map { Autofill.originBound(domain: $0) }
        // Named: that channel only. Otherwise the market's order from the chosen one, on to the next while one cannot
        // reach the number or is down (every message carries the same code, so a late one still works), then round
        // to those before it; never back to a stuck code's channel, whose cooldown still runs. A channel past its own
        // limits is passed over the same way.
        let tries = requested.map { [$0] } ?? fallback.order(offered, from: chosen, latest: latest, now: issuedAt)
        let started = ContinuousClock.now
        var used = chosen
        var taken: SentMessage?
        var refused: AppError?
        for (index, channel) in tries.enumerated() where taken == nil {
            if let refusal = try await allowance.refusal(channel, phone: phone.e164, now: issuedAt) {
                metrics.limitRefused(refusal.code.rawValue)
                activity.record(.refused(refusal.code.rawValue), market: market.code)
                logger.notice("channel limit reached", metadata: ["channel": "\(channel.rawValue)", "error": "\(refusal.code.rawValue)"])
                refused = refused ?? refusal
                continue
            }
            used = channel
            let message = message(code, to: phone, by: channel, language: language, autofill: autofill, sender: senders[market.code])
            do {
                taken = try await gateway.send(message, logger: logger)
            } catch let error as AppError where index + 1 < tries.count && [.channelUnreachable, .smsUnavailable].contains(error.code) {
                logger.notice("channel failed, trying the next", metadata: ["channel": "\(channel.rawValue)", "error": "\(error.code.rawValue)"])
            } catch {
                // No usable code is left behind; the caller is told why (bad number, refused region, or unavailable).
                try await signIn.delete(id: stored.id)
                logger.warning("send failed", metadata: ["phone": "\(phone.masked)", "channel": "\(channel.rawValue)", "error": "\(error)"])
                throw error as? AppError ?? AppError.smsUnavailable
            }
        }
        timing.record(ContinuousClock.now - started)
        guard let taken = taken else {
            // Every channel tried was past its own limits: no code goes out, so none is left behind.
            try await signIn.delete(id: stored.id)
            throw refused ?? AppError.smsUnavailable
        }
        // The code is out: a log that cannot be written costs a receipt, not the sign-in.
        let record = DeliveryRecord(channel: used, market: market.code, provider: taken.provider, state: .sent, sentAt: issuedAt)
        do { try await deliveries.record(record, phone: phone.e164, messageID: taken.messageID) } catch {
            logger.error("delivery log not written", metadata: ["channel": "\(used.rawValue)", "error": "\(error)"])
        }
        metrics.code(.sent, market: market.code)
        metrics.messageSent(channel: used, market: market.code)
        activity.record(.sent, market: market.code)
        var logged: Logger.Metadata = ["phone": "\(phone.masked)", "market": "\(market.code)"]
        if let price = fraud.price(market: market.code, channel: used) {
            metrics.estimatedSpend(price, market: market.code, channel: used)
            logged["estimated_cost_usd"] = "\(price)"
        }
        logged["channel"] = "\(used.rawValue)"
        logger.info("code sent", metadata: logged)
        return Sent(verificationID: verificationID, channel: used)
    }

    /// A text with no code (a notice: the account moved, a new SIM signed in), by SMS. A notice that cannot be sent
    /// costs the notice, not what it tells of.
    package func notice(_ body: String, to phone: PhoneNumber, language: MessageLanguage, logger: Logger) async {
        let message = CodeMessage(to: phone, body: body, code: "", channel: .sms, language: language)
        do { _ = try await gateway.send(message, logger: logger) } catch {
            logger.warning("notice not sent", metadata: ["to": "\(phone.masked)", "error": "\(error)"])
        }
    }

    /// A send's outcome: the id the client verifies with, and the channel the code went by.
    package struct Sent: Sendable, Equatable {
        package var verificationID: String
        package var channel: DeliveryChannel
    }

    private func message(
        _ code: String, to phone: PhoneNumber, by channel: DeliveryChannel, language: MessageLanguage, autofill: Autofill?, sender: SMSSender?
    ) -> CodeMessage {
        switch channel {
        case .voice:
            let script = texts.voice(code: code, language: language)
            return CodeMessage(
                to: phone, body: script.sentence, code: code, channel: channel, language: language, voice: script.voice, lifetime: lifetime)
        case .sms, .whatsapp, .telegram:
            return CodeMessage(
                to: phone, body: texts.sms(code: code, language: language, autofill: autofill), code: code, channel: channel, language: language,
                lifetime: lifetime, sender: channel == .sms ? sender : nil)
        }
    }

    /// How the client would like the text worded: its language (else the user's, else the market's) and, for an Android
    /// app using the SMS Retriever, its app hash (one the server was configured with) instead of the market's domain line.
    package struct Wording: Sendable, Equatable {
        package var language: String?
        package var appHash: String?

        package init(language: String? = nil, appHash: String? = nil) {
            self.language = language
            self.appHash = appHash
        }
    }

    /// The number range fraud is counted by: country code plus the next three digits (SMS pumping walks such ranges).
    package static func range(of phone: PhoneNumber, in market: Market) -> String {
        String(phone.e164.prefix(1 + market.callingCode.count + 3))
    }

    private func admit(
        _ attempt: SendAttempt, rules: [WindowRule], screening: SendScreening?, phone: PhoneNumber, market: Market, rejection: String?,
        logger: Logger
    ) async throws {
        switch try await signIn.admit(attempt, rules: rules, screening: screening, now: now()) {
        case .admitted: return
        case .refused(let refusal):
            metrics.limitRefused(refusal.rule.refusal.code.rawValue)
            activity.record(.refused(refusal.rule.refusal.code.rawValue), market: market.code)
            if refusal.rule.refusal.kind == .smsBudgetExhausted {
                logger.warning("sms budget exhausted: every send is refused", metadata: ["retry_after": "\(refusal.retryAfter)"])
            }
            throw refusal.rule.refusal.retrying(after: refusal.retryAfter)
        case .challenged(let difficulty):
            throw challenges.challenge(phone, difficulty: difficulty, market: market, rejection: rejection)
        case .hardened(let block, let difficulty):
            metrics.rangeBlockedAutomatically()
            logger.warning(
                """
                number range hardened automatically: unknown numbers there solve the hardest challenge for each code; confirm \
                a block with `PhoneAuthServer admin block-range \(block.prefix) --reason …` if it is pumping
                """,
                metadata: ["range": "\(block.prefix)", "reason": "\(block.reason)", "until": "\(block.expiresAt?.ISO8601Format() ?? "lifted")"])
            throw challenges.challenge(phone, difficulty: difficulty, market: market, rejection: rejection)
        case .blocked:
            metrics.rangeBlockRefused(automatic: false)
            activity.record(.refused("range_blocked"), market: market.code)
            throw AppError.phoneNotAllowed
        }
    }

    private func store(
        _ verificationID: String, phone: PhoneNumber, code: String, at instant: Date, changeSession: String?
    ) async throws
        -> StoredVerification
    {
        try await signIn.create(
            idHash: VerificationID.hash(verificationID), phone: phone.e164, codeHash: hasher.hash(phone: phone, code: code),
            expiresAt: instant.addingTimeInterval(lifetime.seconds), changeSession: changeSession, now: instant)
    }
}
