import ArgumentParser
import ClientCore
import Foundation

/// Signs in: sends a code, then trades it for tokens kept in the credentials file. At a terminal it forgives what
/// people get wrong: a mistyped code is asked for again (a malformed one without a round trip), while the resend
/// cooldown runs it says how long and takes the code already received, and when no code comes it offers the market's
/// other channels ("no code? [w] WhatsApp, [v] voice call").
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Sign in with a texted code. Asks for what is missing; reads the code from standard input when it is not a terminal.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number with country code, e.g. +13125550100.") var phone: String?
    @Option(help: "The 6-digit code, when it is already known.") var code: String?
    @Option(help: "Send the code by this channel: sms, whatsapp, telegram or voice (default: the market's first).") var channel: String?
    @Flag(
        help: ArgumentHelp(
            "Try first to sign in without a text: the operator network confirms the number over mobile data "
                + "(where the server offers it); else a code."))
    var silent = false

    func run() async throws {
        try await reportingErrors {
            let session = try server.session()
            let prompt = Prompt()
            let phone = try self.phone ?? prompt.ask("Phone number (with country code): ")
            if silent, code == nil {
                switch try await session.signInSilently(phone: phone) {
                case .signedIn(let user, let previous):
                    if previous == "detached" {
                        prompt.say("this number was used by another account before; you are signed in to a new account")
                    }
                    return try report(user, session)
                case .sendCode(let reason):
                    if !server.json { prompt.say("no sign-in without a text (\(reason)); sending a code") }
                }
            }
            var verificationID: String?
            var offers: [ChannelOffer] = []
            if code == nil {
                do {
                    let progress = ChallengeProgressLine()
                    defer { progress.finish() }
                    let sent = try await session.client.sendCode(phone: phone, channel: channel.map(Channel.init), onChallenge: progress.report)
                    verificationID = sent.verificationID
                    if !server.json { prompt.say("code sent by \(ChannelKeys.name(sent.channel)); valid for \(sent.expiresIn) s") }
                    offers = sent.channels
                } catch let error as PhoneAuthClientError where error.errorCode == .resendTooSoon && prompt.isInteractive {
                    let wait = error.retryAfter.map { " in \($0) s" } ?? " shortly"
                    prompt.say("a code was sent to this number moments ago; a new one can be sent\(wait). Type the code you received:")
                }
            }
            try report(try await signIn(session, phone: phone, verificationID: verificationID, offers: offers, prompt: prompt), session)
        }
    }

    private func report(_ user: UserProfile, _ session: PhoneAuthSession) throws {
        if server.json {
            try printJSON(user)
        } else {
            print("signed in as user \(user.id) (\(user.phoneNumber), market \(user.market)) on \(session.client.baseURL.absoluteString)")
        }
    }

    /// Asks for the code until one works, the tries run out, or (not at a terminal) the first answer fails. At a
    /// terminal, a channel's key instead of a code sends a new code by that channel.
    private func signIn(
        _ session: PhoneAuthSession, phone: String, verificationID: String?, offers: [ChannelOffer], prompt: Prompt
    ) async throws -> UserProfile {
        var given = code
        var verificationID = verificationID
        var offers = offers
        while true {
            if prompt.isInteractive, given == nil, !offers.isEmpty { prompt.say("no code? " + ChannelKeys.menu(offers)) }
            let typed = try given ?? prompt.ask("Code: ")
            given = nil
            let code = typed.filter { $0 != " " && $0 != "-" }
            if prompt.isInteractive, let channel = ChannelKeys.channel(for: code, in: offers) {
                if let sent = try await resend(session, phone: phone, via: channel, prompt: prompt) {
                    (verificationID, offers) = (sent.verificationID, sent.channels)
                }
                continue
            }
            if prompt.isInteractive, !(code.count == 6 && code.allSatisfy { $0.isASCII && $0.isNumber }) {
                prompt.say("a code is 6 digits; try again")
                continue
            }
            do {
                // The send this command made is verified by its id; a code sent earlier by phone.
                let grant =
                    if let verificationID {
                        try await session.client.verifyCode(verificationID: verificationID, code: code)
                    } else {
                        try await session.client.verifyCode(phone: phone, code: code)
                    }
                if grant.previousAccount == "detached" {
                    prompt.say("this number was used by another account before; you are signed in to a new account")
                }
                return try await session.signIn(with: grant)
            } catch let error as PhoneAuthClientError where error.errorCode == .invalidCode && prompt.isInteractive {
                switch error.attemptsRemaining {
                case 0?: throw error
                case let left?: prompt.say("wrong code; \(left) \(left == 1 ? "try" : "tries") left")
                // By phone (the code of an earlier send) the server keeps the count to itself and says when it ran out.
                case nil: prompt.say("wrong code; try again")
                }
            }
        }
    }

    /// A new code by `channel`; nil (said why) while that channel must still wait.
    private func resend(_ session: PhoneAuthSession, phone: String, via channel: Channel, prompt: Prompt) async throws -> CodeSent? {
        do {
            let sent = try await session.client.resend(phone: phone, via: channel)
            prompt.say("code sent by \(ChannelKeys.name(sent.channel)); valid for \(sent.expiresIn) s")
            return sent
        } catch {
            // Typed: the client's error. Only the wait is answered here.
            guard error.errorCode == .resendTooSoon else { throw error }
            let wait = error.retryAfter.map { "in \($0) s" } ?? "shortly"
            prompt.say("\(ChannelKeys.name(channel)) can be asked for \(wait)")
            return nil
        }
    }
}

/// Questions on stderr at a terminal; from a pipe, just the next line, without the chatter.
struct Prompt {
    let isInteractive = isatty(STDIN_FILENO) != 0

    func ask(_ question: String) throws -> String {
        if isInteractive { FileHandle.standardError.write(Data(question.utf8)) }
        guard let line = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !line.isEmpty else {
            // Input ended (Ctrl-D, an empty pipe): one line and the usage exit code, not the whole usage text.
            say("\(isInteractive ? "\n" : "")clientcli: no answer to \"\(question.trimmingCharacters(in: .whitespaces))\"")
            throw ExitCode(64)
        }
        return line
    }

    func say(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}

/// The one-letter keys login offers the other channels by.
enum ChannelKeys {
    static func key(_ channel: Channel) -> String { String(channel.rawValue.prefix(1)) }

    static func name(_ channel: Channel) -> String {
        switch channel {
        case .sms: "SMS"
        case .whatsapp: "WhatsApp"
        case .telegram: "Telegram"
        case .voice: "voice call"
        default: channel.rawValue
        }
    }

    /// `[w] WhatsApp, [v] voice call`
    static func menu(_ offers: [ChannelOffer]) -> String {
        offers.map { "[\(key($0.channel))] \(name($0.channel))" }.joined(separator: ", ")
    }

    static func channel(for typed: String, in offers: [ChannelOffer]) -> Channel? {
        offers.first { key($0.channel) == typed.lowercased() }?.channel
    }
}
