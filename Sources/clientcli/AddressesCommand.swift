import ArgumentParser
import ClientCore

/// `clientcli addresses list|add|edit|rm`.
struct AddressesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "addresses", abstract: "Your address book.", subcommands: [List.self, Add.self, Edit.self, Remove.self])

    struct Fields: ParsableArguments {
        @Option(help: "A short name, e.g. Home.") var label: String?
        @Option(help: "Street and number.") var line1: String?
        @Option(help: "Apartment, floor…") var line2: String?
        @Option(help: "City.") var city: String?
        @Option(help: "State or region (us: 2 letters).") var region: String?
        @Option(help: "ZIP or postal code.") var postalCode: String?

        var fields: AddressFields {
            AddressFields(label: label, line1: line1, line2: line2, city: city, region: region, postalCode: postalCode)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List your addresses.")
        @OptionGroup var server: ServerOptions

        func run() async throws {
            try await reportingErrors {
                let cached = try await server.sync().addresses()
                noteIfCached(cached)
                let addresses = cached.value
                if server.json { try printJSON(addresses); return }
                printRows([["ID", "LABEL", "ADDRESS", "CITY", "REGION", "POSTAL"]] + addresses.map {
                    [
                        String($0.id), $0.label ?? "-", [$0.line1, $0.line2].compactMap { $0 }.joined(separator: ", "), $0.city,
                        $0.region ?? "-", $0.postalCode ?? "-",
                    ]
                })
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an address.")
        @OptionGroup var server: ServerOptions
        @OptionGroup var fields: Fields

        func run() async throws {
            try await reportingErrors {
                try report(try await server.sync().addAddress(fields.fields), json: server.json) { address in
                    if server.json { try printJSON(address) } else { print("added address \(address.id)") }
                }
            }
        }
    }

    struct Edit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change an address.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The address id.") var id: Int64
        @OptionGroup var fields: Fields

        func run() async throws {
            try await reportingErrors {
                try report(try await server.sync().editAddress(id: id, fields.fields), json: server.json) { address in
                    if server.json { try printJSON(address) } else { print("updated address \(address.id)") }
                }
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete an address.")
        @OptionGroup var server: ServerOptions
        @Argument(help: "The address id.") var id: Int64

        func run() async throws {
            try await reportingErrors {
                try report(try await server.sync().deleteAddress(id: id), json: server.json) { id in
                    if !server.json { print("deleted address \(id)") }
                }
            }
        }
    }
}

/// Rows aligned in columns, the first being the header.
func printRows(_ rows: [[String]]) {
    guard let columns = rows.map(\.count).max() else { return }
    let widths = (0..<columns).map { column in rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0 }
    for row in rows {
        print(row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces))
    }
}
