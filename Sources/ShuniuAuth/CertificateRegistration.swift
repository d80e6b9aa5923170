import ShuniuCore

/// A certificate registered for a platform or a consumer, as the signature check needs it.
public struct CertificateRegistration: Sendable {
    /// Names the registration in the verdict cache: a re-registration is a new entry.
    public var cacheKey: String
    public var fingerprint: String
    public var der: [UInt8]
    public var chain: [[UInt8]]
    /// The CA recorded when it was registered, for its SM2 distinguishing ID.
    public var ca: String

    public init(cacheKey: String, fingerprint: String, der: [UInt8], chain: [[UInt8]], ca: String) {
        self.cacheKey = cacheKey
        self.fingerprint = fingerprint
        self.der = der
        self.chain = chain
        self.ca = ca
    }
}

extension CertificateRegistration {
    /// A platform's registered certificate.
    public init(_ certificate: PlatformCertificate) {
        self.init(cacheKey: "platform/\(certificate.id)/\(certificate.fingerprint)", fingerprint: certificate.fingerprint,
                  der: certificate.der, chain: certificate.chain, ca: certificate.ca)
    }
}
