import COpenSSL
import Synchronization

/// SM2-signed CRLs whose signatures this module verified itself, per issuer key.
///
/// OpenSSL 3.0 cannot verify them (no distinguishing-ID setter for CRLs) and reports
/// "CRL signature failure"; the chain verifier's callback clears that error only for a CRL and
/// issuer key recorded here. Results are kept because SM2 verification is slow.
final class SM2CRLApprovals: Sendable {
    private struct Key: Hashable {
        var crl: ObjectIdentifier
        var issuerKey: [UInt8]
    }

    private let approved = Mutex<Set<Key>>([])
    private let distinguishingID: String

    init(distinguishingID: String) {
        self.distinguishingID = distinguishingID
    }

    /// Verifies ahead of time every SM2 CRL against the known certificates named as its issuer.
    func preverify(_ crls: [X509CRL], issuers: [X509Certificate]) {
        for crl in crls where crl.isSM2Signed {
            for issuer in issuers where X509_NAME_cmp(X509_get_subject_name(issuer.pointer), X509_CRL_get_issuer(crl.pointer)) == 0 {
                guard let key = X509_get0_pubkey(issuer.pointer) else { continue }
                _ = approves(crl, issuerKey: key)
            }
        }
    }

    /// True when `crl` is SM2-signed and verifies with the borrowed EVP_PKEY* `issuerKey`.
    func approves(_ crl: X509CRL, issuerKey: OpaquePointer) -> Bool {
        guard crl.isSM2Signed, let encoded = Self.encode(issuerKey) else { return false }
        let key = Key(crl: ObjectIdentifier(crl), issuerKey: encoded)
        if approved.withLock({ $0.contains(key) }) { return true }
        guard crl.verifySignature(key: issuerKey, sm2ID: distinguishingID) else { return false }
        approved.withLock { _ = $0.insert(key) }
        return true
    }

    /// The key's SubjectPublicKeyInfo DER, which identifies it.
    private static func encode(_ key: OpaquePointer) -> [UInt8]? {
        var output: UnsafeMutablePointer<UInt8>?
        let length = i2d_PUBKEY(key, &output)
        guard length > 0, let output else {
            OpenSSLErrorQueue.clear()
            return nil
        }
        defer { shuniu_openssl_free(output) }
        return Array(UnsafeBufferPointer(start: output, count: Int(length)))
    }
}
