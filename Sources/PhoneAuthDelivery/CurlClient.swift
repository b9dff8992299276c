import CCurl
import Foundation
import NIOPosix
import PhoneAuthCore

/// An outbound HTTP request made with libcurl.
package struct CurlRequest: Sendable {
    package var url: String
    package var method = "POST"
    package var headers: [String] = []
    package var body: [UInt8] = []
    package var connectTimeout: Duration = .seconds(2)
    package var timeout: Duration = .seconds(5)
    /// `user:password` for HTTP basic auth, or the access key and secret for SigV4.
    package var userPassword: String?
    /// libcurl's AWS Signature V4 provider string, e.g. `aws:amz:us-east-1:sns`.
    package var awsSigV4: String?
    /// PEM bundle of the certificate authorities to trust instead of the system's (a provider behind a private CA).
    package var caFile: String?
}

extension CurlRequest {
    package init(url: String, method: String = "POST") {
        self.url = url
        self.method = method
    }
}

package struct CurlResponse: Sendable {
    package var status: Int
    package var body: [UInt8]
    /// Header lines as received, names lowercased.
    package var headers: [(name: String, value: String)] = []

    package func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.last { $0.name == wanted }?.value
    }

    package var text: String { String(decoding: body, as: UTF8.self) }
}

/// Transport failures: connection refused, DNS, timeout. HTTP error statuses are responses, not errors.
package struct CurlError: Error, CustomStringConvertible, Equatable {
    package let code: Int
    package let description: String

    package var isTimeout: Bool { code == Int(CURLE_OPERATION_TIMEDOUT.rawValue) }
}

/// Runs blocking libcurl calls on a thread pool of its own, so a hanging provider holds neither Hummingbird's event
/// loops nor Swift's cooperative threads. Easy handles are reused, so their connection caches keep provider
/// connections (and TLS sessions) alive between sends.
package struct CurlClient: Sendable {
    private let pool: NIOThreadPool
    private let handles: CurlHandlePool

    /// The process's client, made on first use: as many threads as the delivery policy's default, unless the server
    /// asked for another number first.
    package static var shared: CurlClient { process(threads: DeliveryPolicy().concurrency) }

    private static let processClient = Locked<CurlClient?>(nil)

    /// The one client of this process, made by the first call with `threads` threads (the server's
    /// `--sms-concurrency`): that many calls wait for their answers at once; more queue for a free thread.
    package static func process(threads: Int) -> CurlClient {
        processClient.withLock { client in
            if let client { return client }
            _ = globalInit
            let pool = NIOThreadPool(numberOfThreads: threads)
            pool.start()
            let made = CurlClient(pool: pool, handles: CurlHandlePool())
            client = made
            return made
        }
    }

    /// The same threads, but connections of its own: a client whose cached connections no other client can reach
    /// (tests whose loopback servers come and go, and may reuse a port number).
    package static func isolated() -> CurlClient {
        CurlClient(pool: shared.pool, handles: CurlHandlePool())
    }

    private static let globalInit: Void = { curl_global_init(CCURL_GLOBAL_DEFAULT) }()

    package func perform(_ request: CurlRequest) async throws -> CurlResponse {
        try await pool.runIfActive { [handles] in
            let handle = try handles.take()
            defer { handles.give(back: handle) }
            return try CurlEasy.perform(request, on: handle.pointer)
        }
    }
}

/// Idle easy handles. A handle is used by one thread at a time: taken out, used, reset and put back.
private final class CurlHandlePool: Sendable {
    /// `CURL *` is a plain pointer; it is only touched by the thread that took it out of the pool.
    struct Handle: @unchecked Sendable {
        let pointer: UnsafeMutableRawPointer
    }

    private let idle = Locked<[Handle]>([])

    func take() throws -> Handle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let pointer = curl_easy_init() else { throw CurlError(code: -1, description: "curl_easy_init failed") }
        return Handle(pointer: pointer)
    }

    func give(back handle: Handle) {
        // Options are cleared; the connection cache survives the reset.
        curl_easy_reset(handle.pointer)
        idle.withLock { $0.append(handle) }
    }
}

/// One request on one easy handle.
private enum CurlEasy {
    static func perform(_ request: CurlRequest, on handle: UnsafeMutableRawPointer) throws -> CurlResponse {
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        for header in request.headers { headerList = curl_slist_append(headerList, header) }

        let sink = ResponseSink()
        try check(ccurl_setopt_string(handle, CURLOPT_URL, request.url))
        try check(ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        try check(ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, request.connectTimeout.milliseconds))
        try check(ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, request.timeout.milliseconds))
        try check(ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, request.method))
        try check(ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList))
        if let userPassword = request.userPassword {
            try check(ccurl_setopt_string(handle, CURLOPT_USERPWD, userPassword))
        }
        if let sigV4 = request.awsSigV4 {
            try check(ccurl_setopt_string(handle, CURLOPT_AWS_SIGV4, sigV4))
        }
        if let caFile = request.caFile {
            try check(ccurl_setopt_string(handle, CURLOPT_CAINFO, caFile))
        }
        if request.method != "GET" {
            // COPYPOSTFIELDS copies the bytes, so the buffer need not outlive this call; the size set first lets a body
            // hold NULs, and the appended NUL makes an empty body a valid pointer.
            try check(ccurl_setopt_long(handle, CURLOPT_POSTFIELDSIZE, request.body.count))
            let body = request.body + [0]
            try body.withUnsafeBufferPointer { buffer in
                try check(ccurl_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: buffer.baseAddress!)))
            }
        }
        try check(ccurl_setopt_write_callback(handle, CURLOPT_WRITEFUNCTION, writeCallback))
        try check(ccurl_setopt_write_callback(handle, CURLOPT_HEADERFUNCTION, headerCallback))
        try withExtendedLifetime(sink) {
            let context = Unmanaged.passUnretained(sink).toOpaque()
            try check(ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, context))
            try check(ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, context))
            try check(curl_easy_perform(handle))
        }
        var status = 0
        try check(ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status))
        return CurlResponse(status: status, body: sink.bytes, headers: sink.headers)
    }

    private static func check(_ code: CURLcode) throws {
        guard code != CURLE_OK else { return }
        throw CurlError(code: Int(code.rawValue), description: String(cString: curl_easy_strerror(code)))
    }

    /// Collects the body; lives only for one perform on one thread.
    private final class ResponseSink {
        var bytes: [UInt8] = []
        var headers: [(name: String, value: String)] = []
        /// Providers answer in a few hundred bytes; a runaway body is cut off rather than buffered.
        static let limit = 1 << 20
    }

    private static let writeCallback: ccurl_write_callback = { pointer, size, count, context in
        guard let pointer, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        guard sink.bytes.count + length <= ResponseSink.limit else { return 0 }
        sink.bytes.append(contentsOf: UnsafeRawBufferPointer(start: pointer, count: length))
        return length
    }

    /// One call per header line; a redirect or `100 Continue` starts a new block, so only the last block is kept.
    private static let headerCallback: ccurl_write_callback = { pointer, size, count, context in
        guard let pointer, let context else { return 0 }
        let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
        let length = size * count
        let line = String(decoding: UnsafeRawBufferPointer(start: pointer, count: length), as: UTF8.self)
        if line.hasPrefix("HTTP/") {
            sink.headers.removeAll()
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespacesAndNewlines)
            sink.headers.append((name, value))
        }
        return length
    }
}
