import Foundation
import ShuniuAuth
import ShuniuCore
import ShuniuTransport
import ShuniuTrust

/// A trading platform's side of `POST /api/v1/records`: signs a batch and sends it.
/// Used by `shuniu push`, the tests and the benchmark, so all sign exactly as the hub checks.
///
/// Two ways of signing: HMAC under the app secret (`X-Shuniu-App-Key`), or with a registered
/// certificate's private key (`X-Shuniu-Certificate`, its SHA-256 fingerprint).
public struct IngestClient: Sendable {
    /// How requests are signed.
    public typealias Signing = SigningCredential

    /// The hub, e.g. `http://127.0.0.1:8480`.
    public var baseURL: String
    /// How requests are signed.
    public var signing: Signing
    let http = CurlHTTPClient()

    /// A client signing with HMAC under the platform's app secret.
    public init(baseURL: String, credential: PlatformCredential, method: SignatureMethod = .hmacSHA256) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signing = .hmac(credential, method)
    }

    /// A client signing with a certificate's key; `method` defaults to the one that fits the key.
    /// Throws when the key is not the certificate's or no method fits it.
    public init(
        baseURL: String, certificate: X509Certificate, key: PrivateKey, method: CertificateSignatureMethod? = nil,
        sm2ID: String = SM2.defaultDistinguishingID
    ) throws(TrustError) {
        guard key.matches(certificate) else {
            throw TrustError(.unsupportedAlgorithm, "the private key is not the key of \(certificate.subject)")
        }
        guard let chosen = method ?? CertificateSignatureMethod(fitting: key.algorithm) else {
            throw TrustError(.unsupportedAlgorithm, "no request signature method fits a \(key.algorithm) key")
        }
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.signing = .certificate(certificate, key, chosen, sm2ID: sm2ID)
    }

    /// The headers that sign `body` for `path` at `timestamp` with `nonce`.
    public func signatureHeaders(path: String, body: [UInt8], timestamp: Date = Date(), nonce: String = UUID().uuidString) throws -> [(name: String, value: String)] {
        try RequestSigning(signing).headers(method: "POST", url: path, body: body, timestamp: timestamp, nonce: nonce)
    }

    /// Signs and posts a batch body (`{"records": […]}`) to the hub.
    public func send(body: [UInt8], timestamp: Date = Date(), nonce: String = UUID().uuidString) async throws -> ReceivedResponse {
        let path = "/api/v1/records"
        let headers = [("Content-Type", "application/json")] + (try signatureHeaders(path: path, body: body, timestamp: timestamp, nonce: nonce))
        return try await http.send(OutgoingRequest(method: "POST", url: baseURL + path, headers: headers, body: body))
    }
}
