import Hummingbird
import PhoneAuthHummingbird
import PhoneAuthResourceServer

/// Hummingbird's basic context plus the caller PhoneAuth's middleware authenticated.
struct OrdersContext: PhoneAuthRequestContext {
    var coreContext: CoreRequestContextStorage
    var phoneAuthCaller: PhoneAuthCaller?

    init(source: Source) {
        coreContext = .init(source: source)
    }
}
