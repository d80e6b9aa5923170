/// Where to fetch a CRL that the hub lacks: a CRL distribution point of a certificate in a chain
/// that verified up to a recognized CA, when no CRL held covers that certificate.
///
/// Reported by ``CertificateVerification`` to whoever fetches CRLs, so that CAs which publish
/// their CRL locations only in the certificates they issue are covered from the first
/// certificate seen.
public struct UncoveredCRLLocation: Sendable {
    /// The recognized CA the chain leads to.
    public var ca: String
    /// An http or https URL from the certificate's CRL distribution points.
    public var url: String
    /// The certificate that issues (and signs) that CRL: one of the CA's own certificates, or an
    /// intermediate the sender supplied which chained to the CA.
    public var issuer: X509Certificate

    public init(ca: String, url: String, issuer: X509Certificate) {
        self.ca = ca
        self.url = url
        self.issuer = issuer
    }
}
