/// How a text travels as SMS: in GSM-7 when every character is in the GSM 03.38 alphabet (160 septets a segment),
/// otherwise in UCS-2 (70 UTF-16 units a segment; Cyrillic always needs it). A longer text is split into
/// concatenated segments of 153 or 67, each billed as one message, and some carriers deliver them out of order.
package struct SMSLength: Sendable, Equatable {
    package enum Encoding: String, Sendable {
        case gsm7 = "GSM-7"
        case ucs2 = "UCS-2"
    }

    package let encoding: Encoding
    /// Septets in GSM-7 (an extension character takes two), UTF-16 units in UCS-2.
    package let units: Int

    package init(of text: String) {
        var septets = 0
        for scalar in text.unicodeScalars {
            if Self.basic.contains(scalar) {
                septets += 1
            } else if Self.extended.contains(scalar) {
                septets += 2
            } else {
                self.encoding = .ucs2
                self.units = text.utf16.count
                return
            }
        }
        self.encoding = .gsm7
        self.units = septets
    }

    /// What one segment holds.
    package var singleSegmentLimit: Int { encoding == .gsm7 ? 160 : 70 }

    package var segments: Int {
        guard units > singleSegmentLimit else { return 1 }
        let perPart = encoding == .gsm7 ? 153 : 67
        return (units + perPart - 1) / perPart
    }

    package var fitsOneSegment: Bool { units <= singleSegmentLimit }

    /// GSM 03.38's default alphabet.
    private static let basic = Set(
        ("@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡"
            + "ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà").unicodeScalars)
    /// Its extension table: each is an escape plus a septet.
    private static let extended = Set("^{}\\[~]|€\u{0C}".unicodeScalars)
}
