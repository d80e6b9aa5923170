import ShuniuCore

/// Signs and checks the HMAC of a request's canonical text (see ``CanonicalRequest``).
///
/// The same type serves the hub (to verify) and clients such as `shuniu push` (to sign), so
/// both sides always agree on the canonical form.
public struct RequestSigner: Sendable {
    public let method: SignatureMethod

    public init(method: SignatureMethod) {
        self.method = method
    }

    /// The body digest used in the canonical text: SHA-256 or SM3 to match the HMAC.
    public func bodyDigestHex(_ body: some Collection<UInt8>) -> String {
        MessageAuthenticator(method: method).digest.hexHash(body)
    }

    /// The signature, lower-case hex.
    public func sign(_ request: CanonicalRequest, secret: String) -> String {
        MessageAuthenticator(method: method).hexCode(key: secret, message: request.text)
    }

    /// True when `presentedHex` is the signature of `request` under `secret`.
    public func verify(_ request: CanonicalRequest, secret: String, presentedHex: String) -> Bool {
        guard let presented = Hex.decode(presentedHex) else { return false }
        let expected = MessageAuthenticator(method: method).code(key: Array(secret.utf8), message: Array(request.text.utf8))
        return MessageAuthenticator.constantTimeEquals(presented, expected)
    }
}
