import PhoneAuthResourceServer

/// The access token's payload, one definition for the server and the resource-server kit.
package typealias AccessClaims = PhoneAuthResourceServer.AccessClaims
