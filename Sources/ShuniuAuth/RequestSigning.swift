import Foundation
import ShuniuCore
import ShuniuTrust

/// Signs outgoing requests: the one place where a sender (a platform's push, a consumer's read,
/// a delivery, a pull connector) builds the ``CanonicalRequest`` and its signature headers, so
/// that every sender signs exactly what ``RequestSignatureCheck`` verifies.
public struct RequestSigning: Sendable {
    public var credential: SigningCredential
    /// The time a request is signed at (its `X-Shuniu-Timestamp`).
    let clock: @Sendable () -> Date
    /// A fresh nonce per request.
    let nonces: @Sendable () -> String

    /// A signer with `credential`, the system clock and random UUIDs as nonces unless told otherwise.
    public init(
        _ credential: SigningCredential,
        clock: @escaping @Sendable () -> Date = { Date() },
        nonces: @escaping @Sendable () -> String = { UUID().uuidString }
    ) {
        self.credential = credential
        self.clock = clock
        self.nonces = nonces
    }

    /// The signature headers (credential, timestamp, nonce, method, signature) for a request.
    /// `url` is the full URL or the request target, exactly as it will be sent: see
    /// ``requestTarget(of:)``. Throws only when a certificate's key cannot sign.
    public func headers(method: String, url: String, body: [UInt8], timestamp: Date? = nil, nonce: String? = nil) throws(TrustError) -> [(name: String, value: String)] {
        let seconds = String(Int64((timestamp ?? clock()).timeIntervalSince1970))
        let nonce = nonce ?? nonces()
        let target = Self.requestTarget(of: url)
        switch credential {
        case .hmac(let secret, let signatureMethod):
            let canonical = CanonicalRequest(method: method, target: target, timestamp: seconds, nonce: nonce, body: body, digest: MessageAuthenticator(method: signatureMethod).digest)
            return [
                (SignatureHeader.appKey, secret.appKey),
                (SignatureHeader.timestamp, seconds),
                (SignatureHeader.nonce, nonce),
                (SignatureHeader.method, signatureMethod.rawValue),
                (SignatureHeader.signature, RequestSigner(method: signatureMethod).sign(canonical, secret: secret.secret)),
            ]
        case .certificate(let certificate, let key, let signatureMethod, let sm2ID):
            let canonical = CanonicalRequest(method: method, target: target, timestamp: seconds, nonce: nonce, body: body, digest: signatureMethod.bodyDigest)
            return [
                (SignatureHeader.certificate, certificate.sha256FingerprintHex),
                (SignatureHeader.timestamp, seconds),
                (SignatureHeader.nonce, nonce),
                (SignatureHeader.method, signatureMethod.rawValue),
                (SignatureHeader.signature, try CertificateRequestSigner(method: signatureMethod, sm2ID: sm2ID).sign(canonical, key: key)),
            ]
        }
    }

    /// The request target of `url` as it goes on the wire: the path (`/` when empty) and
    /// `?query` when there is one, percent-encoding kept as it is and any `#fragment` dropped.
    /// A `url` that is already a target (it starts with `/`) is taken as it is, less a fragment.
    public static func requestTarget(of url: String) -> String {
        var rest = Substring(url)
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        if !rest.hasPrefix("/"), let scheme = rest.range(of: "://") {
            let authority = rest[scheme.upperBound...]
            rest = authority[(authority.firstIndex { $0 == "/" || $0 == "?" } ?? authority.endIndex)...]
        }
        if rest.isEmpty || rest.hasPrefix("?") { return "/" + rest }
        return String(rest)
    }
}
