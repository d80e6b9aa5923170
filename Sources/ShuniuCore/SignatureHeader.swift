/// Names of the headers that carry a request's signature.
public enum SignatureHeader {
    /// The platform's app key, for the HMAC methods.
    public static let appKey = "X-Shuniu-App-Key"
    /// The registered certificate's SHA-256 fingerprint (lower-case hex), for the certificate methods.
    public static let certificate = "X-Shuniu-Certificate"
    /// Unix seconds, within the replay window of the hub's clock.
    public static let timestamp = "X-Shuniu-Timestamp"
    /// Unique per request, at most 128 characters.
    public static let nonce = "X-Shuniu-Nonce"
    /// A ``SignatureMethod`` or ``CertificateSignatureMethod``.
    public static let method = "X-Shuniu-Signature-Method"
    /// Hex HMAC, or base64 of a certificate signature, over ``CanonicalRequest/text``.
    public static let signature = "X-Shuniu-Signature"
}
