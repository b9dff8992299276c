// The request and response bodies are PhoneAuthAPI's, the same types the server encodes: re-exported, so an app that
// imports ClientCore sees `UserProfile`, `Address`, `ErrorCode` and the rest without a second import.
@_exported import PhoneAuthAPI
