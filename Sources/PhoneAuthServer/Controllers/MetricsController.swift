import Hummingbird
import PhoneAuthCore

/// `GET /metrics`: the Prometheus text exposition format (version 0.0.4), on the main port or `--metrics-port`.
struct MetricsController: Sendable {
    let metrics: ServerMetrics
    let cache: AuthStateCache?
    let signal: (any StorageChangeSignal)?

    func addRoutes(to router: some RouterMethods<some RequestContext>) {
        router.get("metrics") { _, _ in
            let body = metrics.exposition(cache: cache?.stats, signal: signal?.health)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
