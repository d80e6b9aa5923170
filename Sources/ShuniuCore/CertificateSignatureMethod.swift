/// The methods a platform may sign a request with under a registered certificate's private key.
///
/// Kept apart from the HMAC ``SignatureMethod``s, which destinations also use for outbound
/// signing: a certificate method needs a certificate and a key, not a shared secret.
public enum CertificateSignatureMethod: String, Codable, Sendable, CaseIterable {
    /// SM2 with SM3 and the CA's distinguishing ID; body digest SM3.
    case sm2SM3 = "SM2-SM3"
    /// RSASSA-PKCS1-v1_5 with SHA-256; body digest SHA-256.
    case rsaSHA256 = "RSA-SHA256"
    /// ECDSA with SHA-256 (any recognized curve); body digest SHA-256.
    case ecdsaSHA256 = "ECDSA-SHA256"
}
