import Foundation
import ShuniuCore

/// Signs and checks a request's canonical text (see ``CanonicalRequest``) with a certificate's
/// key: the certificate counterpart of ``RequestSigner``, shared by the hub and clients so both
/// sides always agree on what is signed.
public struct CertificateRequestSigner: Sendable {
    /// The method named in `X-Shuniu-Signature-Method`.
    public let method: CertificateSignatureMethod
    /// The SM2 distinguishing ID (the certificate's CA's); ignored by the other methods.
    public let sm2ID: String

    /// A signer for `method`; `sm2ID` matters only for SM2-SM3.
    public init(method: CertificateSignatureMethod, sm2ID: String = SM2.defaultDistinguishingID) {
        self.method = method
        self.sm2ID = sm2ID
    }

    /// The body digest used in the canonical text.
    public func bodyDigestHex(_ body: some Collection<UInt8>) -> String {
        method.bodyDigest.hexHash(body)
    }

    /// The signature of the canonical text, base64 (of DER for ECDSA and SM2).
    public func sign(_ request: CanonicalRequest, key: PrivateKey) throws(TrustError) -> String {
        Data(try key.sign(Array(request.text.utf8), scheme: method.scheme(sm2ID: sm2ID))).base64EncodedString()
    }

    /// True when `presentedBase64` is a signature of `request` by `certificate`'s key. Throws
    /// when the method does not fit the certificate's key (an RSA method with an SM2
    /// certificate): the caller says so rather than calling it a bad signature.
    public func verify(_ request: CanonicalRequest, presentedBase64: String, certificate: X509Certificate) throws(TrustError) -> Bool {
        guard let signature = Data(base64Encoded: presentedBase64) else { return false }
        return try SignatureVerification.verify([UInt8](signature), over: Array(request.text.utf8), certificate: certificate, scheme: method.scheme(sm2ID: sm2ID))
    }
}
