/// The HMAC methods a platform may sign a request with, under its app secret.
public enum SignatureMethod: String, Codable, Sendable, CaseIterable {
    case hmacSHA256 = "HMAC-SHA256"
    case hmacSM3 = "HMAC-SM3"
}
