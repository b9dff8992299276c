import Testing

@testable import PhoneAuthCore

/// Texts people can read, in one SMS segment, that phones can autofill.
@Suite struct MessageTextsTests {
    /// The longest names allowed: one the GSM alphabet holds and one that forces UCS-2.
    static let longestNames = [
        String(repeating: "W", count: MessageTexts.maxAppNameLength), String(repeating: "Ж", count: MessageTexts.maxAppNameLength),
    ]

    @Test(arguments: longestNames, MessageLanguage.allCases)
    func everyTextFitsOneSegmentAtTheLongestAppName(name: String, language: MessageLanguage) throws {
        let texts = try MessageTexts(appName: name)
        for autofill in [nil, Autofill.appHash("FA+9qCX9VSu")] {
            let text = texts.sms(code: "123456", language: language, autofill: autofill)
            let length = SMSLength(of: text)
            #expect(length.segments == 1, "\(language) \(String(describing: autofill)): \(length.units) \(length.encoding)")
            #expect(text.contains("123456"))
        }
    }

    /// The notice to a number its account left: at most two segments, no link, no code.
    @Test(arguments: longestNames, MessageLanguage.allCases)
    func theNumberChangeNoticeIsShortAndHasNoLink(name: String, language: MessageLanguage) throws {
        let text = try MessageTexts(appName: name).numberChanged(language: language)
        #expect(SMSLength(of: text).segments <= 2)
        #expect(text.contains(name))
        #expect(!text.contains("http") && !text.contains("www") && text.firstMatch(of: /[0-9]/) == nil)
    }

    @Test func englishTravelsInGSM7AndCyrillicInUCS2() throws {
        let texts = try MessageTexts(appName: "PhoneAuth")
        #expect(SMSLength(of: texts.sms(code: "123456", language: .english)).encoding == .gsm7)
        #expect(SMSLength(of: texts.sms(code: "123456", language: .russian)).encoding == .ucs2)
        #expect(SMSLength(of: texts.sms(code: "123456", language: .kyrgyz)).encoding == .ucs2)
        #expect(texts.sms(code: "123456", language: .kyrgyz) == "123456 — PhoneAuth коду. Эч кимге бербеңиз.")
        #expect(texts.sms(code: "123456", language: .russian) == "123456 — код PhoneAuth. Никому не сообщайте.")
        #expect(texts.sms(code: "123456", language: .english) == "123456 is your PhoneAuth code. Do not share it.")
    }

    @Test func aLongerOrUnprintableAppNameIsRefused() {
        for name in [String(repeating: "W", count: MessageTexts.maxAppNameLength + 1), "", "Phone\nAuth", " PhoneAuth", "Phone\u{202E}Auth"] {
            #expect(throws: ConfigError.self) { try MessageTexts(appName: name) }
        }
    }

    @Test func segmentsAreCountedAsCarriersBillThem() {
        #expect(SMSLength(of: String(repeating: "a", count: 160)) == SMSLength(of: String(repeating: "b", count: 160)))
        #expect(SMSLength(of: String(repeating: "a", count: 160)).segments == 1)
        #expect(SMSLength(of: String(repeating: "a", count: 161)).segments == 2)
        #expect(SMSLength(of: String(repeating: "a", count: 307)).segments == 3)  // 153 a part once split
        #expect(SMSLength(of: String(repeating: "€", count: 80)).units == 160)  // an extension character is two septets
        #expect(SMSLength(of: String(repeating: "€", count: 81)).segments == 2)
        #expect(SMSLength(of: String(repeating: "ж", count: 70)).segments == 1)
        #expect(SMSLength(of: String(repeating: "ж", count: 71)).segments == 2)
        #expect(SMSLength(of: String(repeating: "a", count: 69) + "😀").units == 71)  // outside the BMP: two UTF-16 units
    }

    /// Apple's domain-bound codes and WebOTP: the last line is `@host #code`, the host that of the web origin.
    @Test func theOriginBoundLineIsTheLastLineInEveryLanguage() throws {
        let texts = try MessageTexts(appName: "PhoneAuth")
        for language in MessageLanguage.allCases {
            let text = texts.sms(code: "123456", language: language, autofill: .originBound(domain: "login.example.com"))
            #expect(text.split(separator: "\n").last == "@login.example.com #123456")
            #expect(text.split(separator: "\n").count == 2)
            #expect(SMSLength(of: text).segments == 1)
        }
    }

    /// SMS Retriever: at most 140 bytes (one segment in either encoding), the code in it, the 11-character hash last.
    @Test func theAppHashEndsATextOf140BytesAtMost() throws {
        for name in Self.longestNames {
            let texts = try MessageTexts(appName: name)
            for language in MessageLanguage.allCases {
                let text = texts.sms(code: "123456", language: language, autofill: .appHash("FA+9qCX9VSu"))
                let length = SMSLength(of: text)
                let bytes = length.encoding == .gsm7 ? (length.units * 7 + 7) / 8 : length.units * 2
                #expect(bytes <= 140)
                #expect(text.hasSuffix("\nFA+9qCX9VSu"))
            }
        }
    }

    /// A domain too long for one segment is refused when the server starts, naming the market and the language.
    @Test func anAutofillDomainThatWouldSplitATextIsRefused() throws {
        let texts = try MessageTexts(appName: "PhoneAuth")
        // What the Cyrillic texts leave for the domain at the default name: a realistic login host fits.
        let fits = "signin." + String(repeating: "a", count: 12) + ".com"
        try texts.check(.originBound(domain: fits), market: "kg")
        let tooLong = "signin." + String(repeating: "a", count: 40) + ".com"
        let error = #expect(throws: ConfigError.self) { try texts.check(.originBound(domain: tooLong), market: "kg") }
        #expect(error?.description.contains("market kg") == true)
        #expect(error?.description.contains("over one SMS segment (70)") == true)
    }

    @Test func autofillValuesAreCheckedForShape() {
        #expect(Autofill.isValidDomain("app.example.com"))
        for bad in ["App.example.com", "localhost", "-a.example.com", "a..example.com", "app.example.com/", "app example.com", ""] {
            #expect(!Autofill.isValidDomain(bad), "\(bad)")
        }
        #expect(Autofill.isValidAppHash("FA+9qCX9VSu"))
        for bad in ["FA+9qCX9VS", "FA+9qCX9VSuu", "FA+9qCX9VS=", "FA+9qCX9VS\n"] {
            #expect(!Autofill.isValidAppHash(bad), "\(bad)")
        }
    }

    @Test func theFirstSupportedLanguageWins() {
        #expect(MessageLanguage.pick("ky-KG", "ru") == .kyrgyz)
        #expect(MessageLanguage.pick("de", nil, "ru") == .russian)
        #expect(MessageLanguage.pick("RU") == .russian)
        #expect(MessageLanguage.pick(nil, "fr") == .english)
    }

    @Test func aVoiceCallSaysEachDigitTwice() throws {
        let texts = try MessageTexts(appName: "PhoneAuth")
        let english = texts.voice(code: "120456", language: .english)
        #expect(english == VoiceScript(voice: "en-US", sentence: "Your PhoneAuth code is: 1, 2, 0, 4, 5, 6. Again: 1, 2, 0, 4, 5, 6."))
        #expect(texts.voice(code: "120456", language: .kyrgyz).voice == "ru-RU")
    }
}
