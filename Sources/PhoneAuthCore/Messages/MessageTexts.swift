import Foundation

/// The words a code travels in, per language and channel, naming the app. Every SMS text fits one segment whatever
/// the code, the language and the app name (at most `maxAppNameLength` characters), with Android's app-hash line too;
/// an origin-bound autofill domain is checked against every language when the server starts (`check(_:)`).
package struct MessageTexts: Sendable {
    package static let maxAppNameLength = 20

    package let appName: String

    package init(appName: String) throws(ConfigError) {
        guard (1...Self.maxAppNameLength).contains(appName.count),
            appName.unicodeScalars.allSatisfy({ !$0.properties.generalCategory.isControlOrSeparatorLine }),
            appName.trimmingCharacters(in: .whitespaces) == appName
        else {
            throw ConfigError("--app-name must be 1 to \(Self.maxAppNameLength) printable characters, without leading or trailing spaces")
        }
        self.appName = appName
        for language in MessageLanguage.allCases {
            for autofill in [nil, Autofill.appHash("AAAAAAAAAAA")] {
                let length = SMSLength(of: sms(code: "000000", language: language, autofill: autofill))
                guard length.fitsOneSegment else {
                    throw ConfigError(
                        "--app-name \"\(appName)\" makes the \(language.rawValue) text \(length.units) characters of \(length.encoding.rawValue), "
                            + "over one SMS segment (\(length.singleSegmentLimit)); use a shorter name")
                }
            }
        }
    }

    /// The SMS text. With an origin-bound line the code is shown once, in that line, to leave room for the domain.
    package func sms(code: String, language: MessageLanguage, autofill: Autofill? = nil) -> String {
        switch autofill {
        case nil: plain(code: code, language: language)
        case .appHash(let hash)?: plain(code: code, language: language) + "\n" + hash
        case let line?: warning(language) + "\n" + line.line(code: code)
        }
    }

    /// Refuses an autofill line that would push any language's text past one segment.
    package func check(_ autofill: Autofill, market: String) throws(ConfigError) {
        for language in MessageLanguage.allCases {
            let length = SMSLength(of: sms(code: "000000", language: language, autofill: autofill))
            guard length.fitsOneSegment else {
                throw ConfigError(
                    "market \(market): the autofill line \"\(autofill.line(code: "000000"))\" makes the \(language.rawValue) text \(length.units) "
                        + "characters of \(length.encoding.rawValue), over one SMS segment (\(length.singleSegmentLimit)); "
                        + "shorten the domain or the app name")
            }
        }
    }

    /// What a voice call says: the code digit by digit, twice, in a voice of the language.
    package func voice(code: String, language: MessageLanguage) -> VoiceScript {
        let digits = code.map(String.init).joined(separator: ", ")
        return switch language {
        case .english: VoiceScript(voice: "en-US", sentence: "Your \(appName) code is: \(digits). Again: \(digits).")
        // Text-to-speech has no Kyrgyz voice; Russian is understood across Kyrgyzstan.
        case .russian, .kyrgyz: VoiceScript(voice: "ru-RU", sentence: "Ваш код \(appName): \(digits). Повторяю: \(digits).")
        }
    }

    /// What the old number is told when its account moves to another number: no link, nothing to click.
    package func numberChanged(language: MessageLanguage) -> String {
        switch language {
        case .english: "Your \(appName) account moved to another phone number. If this was not you, contact support."
        case .russian:
            "Ваш аккаунт \(appName) перенесён на другой номер. "
                + "Если это были не вы, обратитесь в поддержку."
        case .kyrgyz:
            "\(appName) аккаунтуңуз башка номерге өттү. "
                + "Бул сиз болбосоңуз, колдоого кайрылыңыз."
        }
    }

    /// To a number whose SIM changed lately, after a sign-in with it (`--sim-swap-action notify`).
    package func simSwapSignIn(language: MessageLanguage) -> String {
        switch language {
        case .english: "A new SIM card for this number signed in to your \(appName) account. If this was not you, contact support."
        case .russian:
            "С новой SIM-картой этого номера выполнен вход в ваш аккаунт \(appName). "
                + "Если это были не вы, обратитесь в поддержку."
        case .kyrgyz:
            "Бул номердин жаңы SIM-картасы менен \(appName) аккаунтуңузга кирилди. "
                + "Бул сиз болбосоңуз, колдоого кайрылыңыз."
        }
    }

    private func plain(code: String, language: MessageLanguage) -> String {
        switch language {
        case .english: "\(code) is your \(appName) code. Do not share it."
        case .russian: "\(code) — код \(appName). Никому не сообщайте."
        case .kyrgyz: "\(code) — \(appName) коду. Эч кимге бербеңиз."
        }
    }

    private func warning(_ language: MessageLanguage) -> String {
        switch language {
        case .english: "Your \(appName) code. Do not share it."
        case .russian: "Код \(appName). Никому не сообщайте."
        case .kyrgyz: "\(appName) коду. Эч кимге бербеңиз."
        }
    }
}

/// A sentence for text-to-speech and the voice (a BCP 47 tag) to say it in.
package struct VoiceScript: Sendable, Equatable {
    package var voice: String
    package var sentence: String
}

extension Unicode.GeneralCategory {
    fileprivate var isControlOrSeparatorLine: Bool {
        switch self {
        case .control, .format, .lineSeparator, .paragraphSeparator, .surrogate, .privateUse, .unassigned: true
        default: false
        }
    }
}
