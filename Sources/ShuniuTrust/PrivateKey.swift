import COpenSSL

/// A private key (RSA, EC or SM2) read from unencrypted PKCS#8 — PEM, or DER — for signing on a
/// platform's side: `shuniu push --certificate`, the ingest client and the tests.
///
/// `@unchecked Sendable`: the EVP_PKEY it owns is never changed after init, and OpenSSL allows
/// one key to sign from several threads at once (each signature gets its own contexts).
/// The key material never leaves this object: no description, no accessor prints it.
public final class PrivateKey: @unchecked Sendable, CustomStringConvertible {
    /// The owned EVP_PKEY*.
    let pointer: OpaquePointer
    /// The kind of key.
    public let algorithm: PublicKeyAlgorithm

    /// Reads the first private key of PEM text (`BEGIN PRIVATE KEY`, or a traditional
    /// `BEGIN RSA/EC PRIVATE KEY`), or of DER bytes. An encrypted key is refused, never prompted for.
    public init(_ bytes: [UInt8]) throws(TrustError) {
        let parsed: OpaquePointer?
        if PEMText.looksLikePEM(bytes) {
            // A callback that gives no password, so that OpenSSL never asks on a terminal.
            let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 = { _, _, _, _ in 0 }
            parsed = MemoryBIO.reading(bytes) { PEM_read_bio_PrivateKey($0, nil, noPassword, nil) } ?? nil
        } else {
            parsed = bytes.withUnsafeBufferPointer { buffer -> OpaquePointer? in
                var cursor = buffer.baseAddress
                return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
            }
        }
        guard let parsed else {
            throw .fromOpenSSL(.malformedKey, "not an unencrypted PKCS#8 private key (PEM or DER)")
        }
        pointer = parsed
        algorithm = PublicKeyAlgorithm(key: parsed)
    }

    /// Reads a private key from PEM text.
    public convenience init(pem: String) throws(TrustError) {
        try self.init(Array(pem.utf8))
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// True when this key is the private half of `certificate`'s public key.
    public func matches(_ certificate: X509Certificate) -> Bool {
        guard let publicKey = X509_get0_pubkey(certificate.pointer) else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let result = EVP_PKEY_eq(pointer, publicKey)
        OpenSSLErrorQueue.clear()
        return result == 1
    }

    /// A detached signature of `data`: DER `SEQUENCE { r, s }` for ECDSA and SM2 (SM2 over
    /// SM3(Z_A ‖ data), Z_A from the scheme's distinguishing ID), the RSA block otherwise.
    /// Throws when the scheme does not fit the key.
    public func sign(_ data: [UInt8], scheme: SignatureScheme) throws(TrustError) -> [UInt8] {
        switch (scheme, algorithm) {
        case (.sm2(let id), .sm2):
            return try SM2.sign(message: data, privateKey: pointer, id: id)
        case (.rsaPKCS1v15(let digest), .rsa), (.ecdsa(let digest), .ecdsa):
            return try sign(data, digest: digest, pss: false)
        case (.rsaPSS(let digest), .rsa):
            return try sign(data, digest: digest, pss: true)
        default:
            throw TrustError(.unsupportedAlgorithm, "\(scheme) does not fit a \(algorithm) key")
        }
    }

    private func sign(_ data: [UInt8], digest: SignatureScheme.Digest, pss: Bool) throws(TrustError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        let md = digest.messageDigest
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, md, nil, pointer) == 1, let keyContext else {
            throw .fromOpenSSL(.internalFailure, "cannot start \(digest.rawValue) signing")
        }
        if pss {
            // Salt as long as the digest: what most verifiers expect, and what RSA_PSS_SALTLEN_AUTO accepts.
            guard RSAPSSPadding.configure(keyContext, messageDigest: md, saltLength: RSA_PSS_SALTLEN_DIGEST) else {
                throw .fromOpenSSL(.internalFailure, "cannot configure RSA-PSS")
            }
        }
        return try Self.finish(context, data)
    }

    /// Runs EVP_DigestSign on a prepared context: once for the size, once for the signature.
    static func finish(_ context: OpaquePointer, _ data: [UInt8]) throws(TrustError) -> [UInt8] {
        var length = 0
        let sized = data.withUnsafeBufferPointer { EVP_DigestSign(context, nil, &length, $0.baseAddress, $0.count) }
        guard sized == 1, length > 0 else {
            throw .fromOpenSSL(.internalFailure, "cannot size the signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        let signed = signature.withUnsafeMutableBufferPointer { output in
            data.withUnsafeBufferPointer { EVP_DigestSign(context, output.baseAddress, &length, $0.baseAddress, $0.count) }
        }
        guard signed == 1 else {
            throw .fromOpenSSL(.internalFailure, "signing failed")
        }
        // ECDSA and SM2 signatures are shorter than the maximum the first call reported.
        return Array(signature.prefix(length))
    }

    /// Names the kind of key only.
    public var description: String { "PrivateKey(\(algorithm))" }
}
