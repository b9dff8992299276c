import Hummingbird
import PhoneAuthAPI

// The wire types are PhoneAuthAPI's, shared with ClientCore; here they become Hummingbird responses.
extension CodeSent: ResponseEncodable {}
extension TokenGrant: ResponseEncodable {}
extension NetworkStart: ResponseEncodable {}
extension UserProfile: ResponseEncodable {}
extension PhoneAuthAPI.Address: ResponseEncodable {}
extension AddressList: ResponseEncodable {}
extension MarketInfo: ResponseEncodable {}
extension SessionList: ResponseEncodable {}
