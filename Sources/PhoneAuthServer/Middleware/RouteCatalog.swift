import Hummingbird
import PhoneAuthCore

/// Every registered (path, method), so a known path asked with another method answers 405 with `Allow`, not 404.
/// Filled by `RecordingRouter` while routes are added (after the error middleware that reads it was installed),
/// read only on the 404 path afterwards.
final class RouteCatalog: Sendable {
    private struct Entry {
        var segments: [Substring]
        var method: HTTPRequest.Method
    }

    private let entries = Locked<[Entry]>([])

    func add(_ path: RouterPath, method: HTTPRequest.Method) {
        let entry = Entry(segments: path.description.split(separator: "/"), method: method)
        entries.withLock { $0.append(entry) }
    }

    /// Every route as registered, `/api/v1/profile/addresses/{id}` style (the contract test compares it with the document).
    var routes: [(path: String, method: HTTPRequest.Method)] {
        entries.withLock { $0.map { ("/" + $0.segments.joined(separator: "/"), $0.method) } }
    }

    /// The methods registered for a concrete path, or nil when no route has that shape. As in the router, a literal
    /// segment wins over a parameter: `/admin/users/search` is not also `/admin/users/{id}`.
    func allowedMethods(path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        let matching = entries.withLock { $0.filter { Self.matches($0.segments, segments) } }
        guard let best = matching.map(Self.literals).max(by: { $0.lexicographicallyPrecedes($1) }) else { return nil }
        var methods: [HTTPRequest.Method] = []
        for entry in matching where Self.literals(entry) == best && !methods.contains(entry.method) { methods.append(entry.method) }
        return methods
    }

    /// Which segments are literal, 1 for literal and 0 for a parameter, compared from the left.
    private static func literals(_ entry: Entry) -> [Int] {
        entry.segments.map { $0.contains("{") || $0 == "*" ? 0 : 1 }
    }

    private static func matches(_ pattern: [Substring], _ segments: [Substring]) -> Bool {
        pattern.count == segments.count
            && zip(pattern, segments).allSatisfy { $0.contains("{") || $0 == "*" || $0 == $1 }
    }
}

/// Wraps the `Router`, recording each route as it is added; groups made from it forward their full paths here.
final class RecordingRouter<Context: RequestContext>: RouterMethods {
    let router: Router<Context>
    let catalog: RouteCatalog

    init(_ router: Router<Context>, catalog: RouteCatalog) {
        self.router = router
        self.catalog = catalog
    }

    @discardableResult func on<Responder: HTTPResponder>(_ path: RouterPath, method: HTTPRequest.Method, responder: Responder) -> Self
    where Responder.Context == Context {
        catalog.add(path, method: method)
        router.on(path, method: method, responder: responder)
        return self
    }

    @discardableResult func add(middleware: any MiddlewareProtocol<Request, Response, Context>) -> Self {
        router.add(middleware: middleware)
        return self
    }
}
