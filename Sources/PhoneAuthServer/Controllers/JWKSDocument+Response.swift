import Hummingbird
import PhoneAuthCore

/// `/.well-known/jwks.json` answers the document as it is.
extension JWKSDocument: ResponseEncodable {}
