/// How a raw detached signature was made.
public enum SignatureScheme: Sendable, Hashable, CustomStringConvertible {
    /// The digest a non-SM2 scheme hashes with.
    public enum Digest: String, Sendable, Hashable {
        case sha256 = "SHA-256"
        case sha384 = "SHA-384"
    }

    /// RSASSA-PKCS1-v1_5.
    case rsaPKCS1v15(Digest)
    /// RSASSA-PSS with MGF1 over the same digest; any salt length is accepted.
    case rsaPSS(Digest)
    /// ECDSA (P-256, P-384, …) with a DER `SEQUENCE { r, s }` signature.
    case ecdsa(Digest)
    /// SM2 with SM3 over Z_A ‖ message (GB/T 32918), DER `SEQUENCE { r, s }` signature.
    case sm2(distinguishingID: String)

    /// SM2 with the GM/T 0009 default distinguishing ID.
    public static let sm2Default = SignatureScheme.sm2(distinguishingID: SM2.defaultDistinguishingID)

    public var description: String {
        switch self {
        case .rsaPKCS1v15(let digest): "RSA PKCS#1 v1.5 with \(digest.rawValue)"
        case .rsaPSS(let digest): "RSA-PSS with \(digest.rawValue)"
        case .ecdsa(let digest): "ECDSA with \(digest.rawValue)"
        case .sm2(let id): "SM2 with SM3 (ID \(id))"
        }
    }
}
