import ShuniuCore
import ShuniuTrust

extension CanonicalRequest {
    /// The canonical text's fields for a request, its body hashed with `digest`: shared by
    /// ``RequestSigning`` and ``RequestSignatureCheck`` so that both sides build the same text.
    init(method: String, target: String, timestamp: String, nonce: String, body: [UInt8], digest: DigestAlgorithm) {
        self.init(method: method, path: target, timestamp: timestamp, nonce: nonce, bodyDigestHex: digest.hexHash(body))
    }
}
