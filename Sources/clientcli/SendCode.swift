import ArgumentParser
import ClientCore
import Foundation

struct SendCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "send-code", abstract: "Text a sign-in code to a phone.")

    @OptionGroup var server: ServerOptions
    @Option(help: "Phone number with country code, e.g. +13125550100.") var phone: String
    @Option(help: "Send the code by this channel: sms, whatsapp, telegram or voice (default: the market's first).") var channel: String?

    func run() async throws {
        do {
            let progress = ChallengeProgressLine()
            defer { progress.finish() }
            let sent = try await server.client().sendCode(phone: phone, channel: channel.map(Channel.init), onChallenge: progress.report)
            if server.json {
                try printJSON(sent)
            } else {
                print("code sent by \(ChannelKeys.name(sent.channel)); valid for \(sent.expiresIn) s")
                print("verification id: \(sent.verificationID)")
                for offer in sent.channels {
                    print("also by \(ChannelKeys.name(offer.channel)) in \(offer.availableIn) s (--channel \(offer.channel))")
                }
            }
        } catch let error as PhoneAuthClientError {
            throw fail(error)
        }
    }
}
