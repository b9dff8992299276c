import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A plain TCP connection to a loopback server, for what an HTTP client library will not do: stop mid-request, or
/// sit idle. Blocking calls run on a Dispatch thread, never on Swift's cooperative pool.
final class RawConnection: @unchecked Sendable {
    // Safe: the descriptor is only used by one test at a time, from one Dispatch call after another.
    private let descriptor: Int32

    init(port: Int) throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw MotoError("cannot connect to 127.0.0.1:\(port)") }
    }

    deinit { close(descriptor) }

    func send(_ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the server closes the connection or `limit` passes. Returns what arrived and whether it closed.
    func readUntilClosed(limit: TimeInterval) async -> (text: String, closed: Bool) {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { [self] in
                var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
                setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
                let deadline = Date().addingTimeInterval(limit)
                var received: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while Date() < deadline {
                    let count = recv(descriptor, &buffer, buffer.count, 0)
                    if count == 0 { return continuation.resume(returning: (String(decoding: received, as: UTF8.self), true)) }
                    if count > 0 { received += buffer[0..<count] }
                    if count < 0, errno != EAGAIN, errno != EWOULDBLOCK {
                        return continuation.resume(returning: (String(decoding: received, as: UTF8.self), true))  // reset
                    }
                }
                continuation.resume(returning: (String(decoding: received, as: UTF8.self), false))
            }
        }
    }
}
