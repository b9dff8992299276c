import Foundation
import PhoneAuthFuzzing

#if FUZZING
    import CLibFuzzer
#endif

/// `phoneauth-fuzz <target> [paths or libFuzzer flags…]`, `phoneauth-fuzz --list`.
///
/// Built by `make fuzz` with `-DFUZZING`, coverage instrumentation and AddressSanitizer, it hands the target to
/// libFuzzer (`-max_total_time=…`, a corpus folder, `-runs=…`). Built plainly (as `swift build` does) it replays the
/// files and folders it is given and says which inputs break the target's property: the corpus check without libFuzzer.
let arguments = CommandLine.arguments
if arguments.dropFirst().first == "--list" {
    for target in FuzzTargets.all { print("\(target.name)\t\(target.property)") }
    exit(0)
}
guard arguments.count >= 2, let target = FuzzTargets.named(arguments[1]) else {
    FileHandle.standardError.write(
        Data("usage: phoneauth-fuzz <target> [corpus or flags…]; targets: \(FuzzTargets.all.map(\.name).joined(separator: ", "))\n".utf8))
    exit(64)
}

#if FUZZING
    let selected = target
    var argc = Int32(arguments.count - 1)
    var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = UnsafeMutablePointer.allocate(capacity: arguments.count)
    for (index, argument) in ([arguments[0]] + arguments.dropFirst(2)).enumerated() { argv![index] = strdup(argument) }
    argv![arguments.count - 1] = nil
    exit(
        LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            if let broken = selected.check(bytes) {
                FileHandle.standardError.write(Data("PROPERTY BROKEN (\(selected.name)): \(broken)\n".utf8))
                abort()
            }
            return 0
        })
#else
    var inputs = 0
    var broken = 0
    for path in arguments.dropFirst(2) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
        let files =
            isFolder.boolValue ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { path + "/" + $0 } : [path]
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { continue }
            inputs += 1
            if let problem = target.check(Array(data)) {
                broken += 1
                print("\(file): \(problem)")
            }
        }
    }
    print("\(target.name): \(inputs) inputs replayed, \(broken) broke the property")
    exit(broken == 0 ? 0 : 1)
#endif
