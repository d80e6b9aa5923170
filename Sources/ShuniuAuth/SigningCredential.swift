import Foundation
import ShuniuCore
import ShuniuTrust

/// What a sender signs its requests with: an app key and secret (HMAC), or a registered
/// certificate and its private key.
public enum SigningCredential: Sendable {
    /// HMAC under the secret; the app key goes in `X-Shuniu-App-Key`.
    case hmac(PlatformCredential, SignatureMethod)
    /// The certificate's key; its SHA-256 fingerprint goes in `X-Shuniu-Certificate`. `sm2ID` is
    /// the distinguishing ID of the certificate's CA (GM/T 0009's default unless its manifest
    /// names another).
    case certificate(X509Certificate, PrivateKey, CertificateSignatureMethod, sm2ID: String)

    /// The headers that sign a request, through ``RequestSigning``: `target` is the full URL or
    /// the request target (path with `?query` when there is one), exactly as sent.
    public func headers(method: String, target: String, body: [UInt8], timestamp: Date = Date(), nonce: String = UUID().uuidString) throws(TrustError) -> [(name: String, value: String)] {
        try RequestSigning(self).headers(method: method, url: target, body: body, timestamp: timestamp, nonce: nonce)
    }
}
