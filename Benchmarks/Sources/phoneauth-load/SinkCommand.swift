import ArgumentParser

struct SinkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sink", abstract: "Receive PhoneAuth's SMS webhook on 127.0.0.1 and hand codes out at GET /code?to=.")

    @Option(help: "Port on 127.0.0.1.") var port: Int

    func run() async throws {
        let channel = try await CodeSink().listen(port: port)
        print("sink listening on 127.0.0.1:\(port)")
        try await channel.closeFuture.get()
    }
}
