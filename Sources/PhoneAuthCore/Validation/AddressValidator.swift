import PhoneAuthAPI

/// Checks an address against its market's rules and the field limits.
package struct AddressValidator: Sendable {
    package let rules: AddressRules

    package init(rules: AddressRules) {
        self.rules = rules
    }

    package static let limits = (label: 50, line: 200, city: 100, region: 100, postalCode: 20)

    package func validate(_ input: AddressInput) throws(AppError) -> AddressFields {
        let limits = Self.limits
        let fields = AddressFields(
            label: try FieldRules.text(input.label, field: "label", maxLength: limits.label),
            line1: try FieldRules.required(input.line1, field: "line1", maxLength: limits.line),
            line2: try FieldRules.text(input.line2, field: "line2", maxLength: limits.line),
            city: try FieldRules.required(input.city, field: "city", maxLength: limits.city),
            region: try FieldRules.text(input.region, field: "region", maxLength: limits.region),
            postalCode: try FieldRules.text(input.postalCode, field: "postal_code", maxLength: limits.postalCode)
        )
        try check(fields.region, field: "region", required: rules.regionRequired, pattern: rules.regionPattern)
        try check(fields.postalCode, field: "postal_code", required: rules.postalCodeRequired, pattern: rules.postalCodePattern)
        return fields
    }

    private func check(_ value: String?, field: String, required: Bool, pattern: String?) throws(AppError) {
        guard let value else {
            if required { throw .validation(field, "\(field) is required in this market.") }
            return
        }
        if let pattern, !FieldRules.matches(value, pattern: pattern) {
            throw .validation(field, "\(field) \"\(value)\" has the wrong format for this market.")
        }
    }
}

/// An address as a client sends it. On PATCH every field is optional and merged over the stored address.
package struct AddressInput: Decodable, Sendable {
    package var label: String?
    package var line1: String?
    package var line2: String?
    package var city: String?
    package var region: String?
    package var postalCode: String?

    /// The keys present in the JSON, null ones included.
    package var sentKeys: Set<CodingKeys> = []

    /// ClientCore's `AddressFields` keys: one spelling on both sides.
    package typealias CodingKeys = PhoneAuthAPI.AddressFields.CodingKeys

    package init(label: String?, line1: String?, line2: String?, city: String?, region: String?, postalCode: String?) {
        self.label = label
        self.line1 = line1
        self.line2 = line2
        self.city = city
        self.region = region
        self.postalCode = postalCode
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        label = try container.decodeIfPresent(String.self, forKey: .label)
        line1 = try container.decodeIfPresent(String.self, forKey: .line1)
        line2 = try container.decodeIfPresent(String.self, forKey: .line2)
        city = try container.decodeIfPresent(String.self, forKey: .city)
        region = try container.decodeIfPresent(String.self, forKey: .region)
        postalCode = try container.decodeIfPresent(String.self, forKey: .postalCode)
        sentKeys = Set(container.allKeys)
    }

    /// This input over a stored address: a key the client sent wins, even when it is null (which clears it).
    package func merged(over address: Address) -> AddressInput {
        func pick(_ key: CodingKeys, _ new: String?, _ old: String?) -> String? { sentKeys.contains(key) ? new : old }
        return AddressInput(
            label: pick(.label, label, address.label), line1: pick(.line1, line1, address.line1),
            line2: pick(.line2, line2, address.line2), city: pick(.city, city, address.city),
            region: pick(.region, region, address.region), postalCode: pick(.postalCode, postalCode, address.postalCode)
        )
    }
}
