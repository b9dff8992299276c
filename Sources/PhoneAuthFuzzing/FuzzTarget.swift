/// One parser under fuzzing and the property it must keep on every input, not only "no crash". `check` answers nil
/// when the property holds and otherwise says what broke; `phoneauth-fuzz` aborts on it (libFuzzer keeps the input as
/// a crash), and the corpus replay in `make test` fails the test.
package struct FuzzTarget: Sendable {
    package let name: String
    /// What the property is, for `phoneauth-fuzz --list` and the README.
    package let property: String
    package let check: @Sendable ([UInt8]) -> String?

    package init(name: String, property: String, check: @escaping @Sendable ([UInt8]) -> String?) {
        (self.name, self.property, self.check) = (name, property, check)
    }
}
