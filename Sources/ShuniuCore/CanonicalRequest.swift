/// The text a platform signs for every request, and the hub recomputes to check it.
///
/// Five lines joined by `\n`: the HTTP method in upper case, the request target as sent (the
/// path, and `?query` when there is one, percent-encoding as sent), the timestamp header as sent
/// (Unix seconds), the nonce as sent, and the lower-case hex digest of the body — SM3 for
/// `HMAC-SM3` and `SM2-SM3`, SHA-256 for the other methods.
/// HMAC and certificate signatures cover the same text.
public struct CanonicalRequest: Sendable, Hashable {
    public var method: String
    /// The request target: the path, and `?query` when there is one, exactly as sent.
    public var path: String
    public var timestamp: String
    public var nonce: String
    public var bodyDigestHex: String

    public init(method: String, path: String, timestamp: String, nonce: String, bodyDigestHex: String) {
        self.method = method
        self.path = path
        self.timestamp = timestamp
        self.nonce = nonce
        self.bodyDigestHex = bodyDigestHex
    }

    public var text: String {
        [method.uppercased(), path, timestamp, nonce, bodyDigestHex].joined(separator: "\n")
    }
}
