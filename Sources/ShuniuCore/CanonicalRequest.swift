/// The text a platform signs for every request, and the hub recomputes to check it.
///
/// Five lines joined by `\n`: the HTTP method in upper case, the request path (without the
/// query), the timestamp header as sent (Unix seconds), the nonce as sent, and the lower-case
/// hex digest of the body — SHA-256 for `HMAC-SHA256`, SM3 for `HMAC-SM3`.
public struct CanonicalRequest: Sendable, Hashable {
    public var method: String
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

/// The signature methods a platform may use on a request.
public enum SignatureMethod: String, Codable, Sendable, CaseIterable {
    case hmacSHA256 = "HMAC-SHA256"
    case hmacSM3 = "HMAC-SM3"
}

/// Names of the headers that carry a request's signature.
public enum SignatureHeader {
    public static let appKey = "X-Shuniu-App-Key"
    public static let timestamp = "X-Shuniu-Timestamp"
    public static let nonce = "X-Shuniu-Nonce"
    public static let method = "X-Shuniu-Signature-Method"
    public static let signature = "X-Shuniu-Signature"
}
