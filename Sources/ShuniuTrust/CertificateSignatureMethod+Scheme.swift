import ShuniuCore

extension CertificateSignatureMethod {
    /// The body digest in the canonical text: SM3 for SM2-SM3, SHA-256 for the others.
    public var bodyDigest: DigestAlgorithm {
        self == .sm2SM3 ? .sm3 : .sha256
    }

    /// The raw signature scheme; `sm2ID` is the distinguishing ID of the certificate's CA.
    public func scheme(sm2ID: String) -> SignatureScheme {
        switch self {
        case .sm2SM3: .sm2(distinguishingID: sm2ID)
        case .rsaSHA256: .rsaPKCS1v15(.sha256)
        case .ecdsaSHA256: .ecdsa(.sha256)
        }
    }

    /// The method that fits a key, or nil for keys no method signs with.
    public init?(fitting algorithm: PublicKeyAlgorithm) {
        switch algorithm {
        case .sm2: self = .sm2SM3
        case .rsa: self = .rsaSHA256
        case .ecdsa: self = .ecdsaSHA256
        case .other: return nil
        }
    }
}
