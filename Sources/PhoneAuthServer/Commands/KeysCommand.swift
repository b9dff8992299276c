import ArgumentParser
import PhoneAuthCore

/// `PhoneAuthServer keys generate`: prints a new `kid:secret` for the front of PHONEAUTH_JWT_KEYS.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "JWT signing keys.", subcommands: [Generate.self])

    struct Generate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new strong HS256 key as kid:secret. Put it first in PHONEAUTH_JWT_KEYS; "
                + "keep the old key after it until its tokens expire (30 minutes).")

        func run() async throws {
            print(JWTKeyEntry.generate())
        }
    }
}
