import Foundation
import Testing

@testable import PhoneAuthCore
@testable import PhoneAuthDelivery
@testable import PhoneAuthServer

/// moto's AWS server mode (`python3 -m moto.server`) on a free loopback port, started for one test and stopped after it.
final class MotoServer: Sendable {
    let port: Int
    private let process: Process
    /// Its own connections, so none outlives this server and reaches another that later gets the same port.
    private let curl = CurlClient.isolated()

    var endpoint: String { "http://127.0.0.1:\(port)" }

    private init(port: Int, process: Process) {
        self.port = port
        self.process = process
    }

    /// `noAuthActions`: moto's INITIAL_NO_AUTH_ACTION_COUNT; after that many AWS calls every request is authenticated.
    @discardableResult
    static func with<Value: Sendable>(noAuthActions: Int? = nil, _ body: @Sendable (MotoServer) async throws -> Value) async throws -> Value {
        let port = try freePort()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)]
        var environment = ProcessInfo.processInfo.environment
        if let noAuthActions { environment["INITIAL_NO_AUTH_ACTION_COUNT"] = String(noAuthActions) }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try ChildLaunch.locked { try process.run() }
        let server = MotoServer(port: port, process: process)
        let result: Result<Value, any Error>
        do {
            try await server.waitUntilReady()
            result = .success(try await body(server))
        } catch {
            result = .failure(error)
        }
        // moto's server ignores SIGTERM.
        await ChildLaunch.stop(process.processIdentifier, signal: SIGKILL, grace: .seconds(10), what: "moto")
        return try result.get()
    }

    private func waitUntilReady() async throws {
        for _ in 0..<300 {
            if let response = try? await curl.perform(CurlRequest(url: endpoint + "/moto-api/data.json", method: "GET")),
                response.status == 200
            {
                return
            }
            guard !ChildLaunch.hasExited(process.processIdentifier) else {
                throw MotoError("moto exited; is moto[server] installed? (make test installs it)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MotoError("moto did not start within 15 s")
    }

    /// The SMS messages moto recorded, across regions: `(phone_number, message)`.
    func sentSMS() async throws -> [(phone: String, message: String)] {
        let response = try await curl.perform(CurlRequest(url: endpoint + "/moto-api/data.json", method: "GET"))
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
        let sms = (json?["sns"] as? [String: Any])?["SMS"] as? [[String: Any]] ?? []
        return sms.map { ($0["phone_number"] as? String ?? "", $0["message"] as? String ?? "") }
    }

    func reset() async throws {
        _ = try await curl.perform(CurlRequest(url: endpoint + "/moto-api/reset", method: "POST"))
    }

    /// One IAM query call, SigV4-signed (moto routes by the signature's service); returns the body.
    func iam(_ fields: [(String, String)], key: String = "AKIAIOSFODNN7EXAMPLE", secret: String = "bootstrap-secret") async throws -> String {
        let request = CurlRequest(
            url: endpoint + "/", headers: ["Content-Type: application/x-www-form-urlencoded; charset=utf-8"],
            body: Array(FormEncoding.encode(fields + [("Version", "2010-05-08")]).utf8),
            userPassword: "\(key):\(secret)", awsSigV4: "aws:amz:us-east-1:iam"
        )
        let response = try await curl.perform(request)
        guard response.status == 200 else { throw MotoError("IAM call failed: HTTP \(response.status) \(response.text)") }
        return response.text
    }

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw MotoError("no free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

struct MotoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
