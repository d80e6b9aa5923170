import COpenSSL

/// Verifies raw detached signatures with a certificate's public key.
///
/// Only the signature is checked: verify the certificate itself with ``ChainVerifier``
/// (purpose `.signing`).
public enum SignatureVerification {
    /// True when `signature` over `data` verifies with `certificate`'s key under `scheme`.
    /// Throws when the scheme does not fit the key (an RSA scheme with an EC key, ECDSA with an
    /// SM2 key, …): that is a caller's mistake, not a bad signature.
    public static func verify(_ signature: [UInt8], over data: [UInt8], certificate: X509Certificate, scheme: SignatureScheme) throws(TrustError) -> Bool {
        guard let key = X509_get0_pubkey(certificate.pointer) else {
            throw .fromOpenSSL(.unsupportedAlgorithm, "the public key of \(certificate.subject) cannot be read")
        }
        let algorithm = PublicKeyAlgorithm(key: key)
        switch (scheme, algorithm) {
        case (.sm2(let id), .sm2):
            return SM2.verify(signature: signature, message: data, publicKey: key, id: id)
        case (.rsaPKCS1v15(let digest), .rsa), (.rsaPSS(let digest), .rsa), (.ecdsa(let digest), .ecdsa):
            return try verify(signature, over: data, key: key, digest: digest, pss: isPSS(scheme))
        default:
            throw TrustError(.unsupportedAlgorithm, "\(scheme) does not fit the \(algorithm) key of \(certificate.subject)")
        }
    }

    private static func isPSS(_ scheme: SignatureScheme) -> Bool {
        if case .rsaPSS = scheme { return true }
        return false
    }

    private static func verify(_ signature: [UInt8], over data: [UInt8], key: OpaquePointer, digest: SignatureScheme.Digest, pss: Bool) throws(TrustError) -> Bool {
        guard let context = EVP_MD_CTX_new() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        let md = digest.messageDigest
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, md, nil, key) == 1, let keyContext else {
            throw .fromOpenSSL(.internalFailure, "cannot start \(digest.rawValue) verification")
        }
        if pss {
            guard RSAPSSPadding.configure(keyContext, messageDigest: md, saltLength: RSA_PSS_SALTLEN_AUTO) else {
                throw .fromOpenSSL(.internalFailure, "cannot configure RSA-PSS")
            }
        }
        let result = signature.withUnsafeBufferPointer { signatureBuffer in
            data.withUnsafeBufferPointer { dataBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count, dataBuffer.baseAddress, dataBuffer.count)
            }
        }
        // A bad signature leaves an error queued; it is the answer, not a failure.
        OpenSSLErrorQueue.clear()
        return result == 1
    }
}
