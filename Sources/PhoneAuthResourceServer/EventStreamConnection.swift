import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// One HTTP request whose answer is read as it arrives: URLSession's data delegate hands each chunk on, in order,
/// through an `AsyncStream`. The stream ends when the connection does (or `cancel()` is called); `status` is the
/// answer's HTTP status once its head arrived.
final class EventStreamConnection: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    enum Chunk: Sendable {
        case head(status: Int)
        case bytes(Data)
    }

    let chunks: AsyncStream<Chunk>
    private let continuation: AsyncStream<Chunk>.Continuation
    private var session: URLSession?
    private var task: URLSessionDataTask?
    private let lock = NSLock()

    init(request: URLRequest) {
        (chunks, continuation) = AsyncStream.makeStream(of: Chunk.self, bufferingPolicy: .unbounded)
        super.init()
        let configuration = URLSessionConfiguration.ephemeral
        // The stream is meant to stay open: idleness is watched by the caller (a keepalive comes every 15 seconds).
        configuration.timeoutIntervalForRequest = 365 * 86_400
        configuration.timeoutIntervalForResource = 365 * 86_400
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        let task = session.dataTask(with: request)
        lock.withLock { (self.session, self.task) = (session, task) }
        continuation.onTermination = { [weak self] _ in self?.cancel() }
        task.resume()
    }

    func cancel() {
        let (session, task) = lock.withLock { () -> (URLSession?, URLSessionDataTask?) in
            defer { (self.session, self.task) = (nil, nil) }
            return (self.session, self.task)
        }
        task?.cancel()
        session?.invalidateAndCancel()
        continuation.finish()
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        continuation.yield(.head(status: (response as? HTTPURLResponse)?.statusCode ?? 0))
        completionHandler(.allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        continuation.yield(.bytes(data))
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        continuation.finish()
    }
}
