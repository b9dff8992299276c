import PhoneAuthCore

/// `If-Match`: a header either refused or read as tags that are each `*` or an entity tag as RFC 9110 writes it, and
/// that parse back to themselves however they are listed.
enum EntityTagsFuzz {
    static let target = FuzzTarget(
        name: "entity-tags", property: "If-Match is refused or read as valid entity tags that round-trip"
    ) { bytes in
        let header = String(decoding: bytes, as: UTF8.self)
        guard let tags = EntityTagList.parse(header) else { return nil }
        guard !tags.isEmpty else { return "no tags read from \(header.debugDescription)" }
        for tag in tags where !(tag == "*" && tags.count == 1) && !isEntityTag(tag) {
            return "\(tag.debugDescription) read from \(header.debugDescription) is no entity tag"
        }
        for separator in [",", ", ", " ,\t"] where EntityTagList.parse(tags.joined(separator: separator)) != tags {
            return "\(tags) listed with \(separator.debugDescription) do not read back"
        }
        return nil
    }

    /// `[W/] DQUOTE *etagc DQUOTE`, etagc = %x21 / %x23-7E / obs-text.
    private static func isEntityTag(_ tag: String) -> Bool {
        var bytes = Array(tag.utf8)[...]
        if bytes.starts(with: Array("W/".utf8)) { bytes = bytes.dropFirst(2) }
        guard bytes.count >= 2, bytes.first == UInt8(ascii: "\""), bytes.last == UInt8(ascii: "\"") else { return false }
        return bytes.dropFirst().dropLast().allSatisfy { $0 == 0x21 || (0x23...0x7E).contains($0) || $0 >= 0x80 }
    }
}
