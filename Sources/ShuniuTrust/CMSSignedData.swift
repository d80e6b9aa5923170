import COpenSSL

/// A CMS / PKCS#7 SignedData, verified against detached content.
///
/// Kept as DER and parsed again for each verification: `CMS_verify` writes into the structure
/// (it attaches the signer certificates), so a parsed one could not be shared between threads.
public struct CMSSignedData: Sendable {
    /// The DER encoding of the ContentInfo.
    public let der: [UInt8]

    /// Reads DER, or PEM (`CMS` or `PKCS7` blocks).
    public init(_ bytes: [UInt8]) throws(TrustError) {
        let parsed: OpaquePointer?
        if PEMText.looksLikePEM(bytes) {
            parsed = MemoryBIO.reading(bytes) { PEM_read_bio_CMS($0, nil, nil, nil) } ?? nil
        } else {
            parsed = MemoryBIO.reading(bytes) { d2i_CMS_bio($0, nil) } ?? nil
        }
        guard let parsed else {
            throw .fromOpenSSL(.malformedSignedData, bytes.isEmpty ? "empty signed data" : "not a PEM or DER CMS/PKCS#7 structure")
        }
        defer { CMS_ContentInfo_free(parsed) }
        guard OBJ_obj2nid(CMS_get0_type(parsed)) == NID_pkcs7_signed else {
            throw TrustError(.malformedSignedData, "CMS content is not SignedData")
        }
        var encoded: UnsafeMutablePointer<UInt8>?
        let length = i2d_CMS_ContentInfo(parsed, &encoded)
        guard length > 0, let encoded else {
            throw .fromOpenSSL(.malformedSignedData, "signed data cannot be re-encoded")
        }
        defer { shuniu_openssl_free(encoded) }
        der = Array(UnsafeBufferPointer(start: encoded, count: Int(length)))
    }

    /// The certificates embedded in the SignedData (signers and any chain the sender added).
    public var certificates: [X509Certificate] {
        guard let cms = parse() else { return [] }
        defer { CMS_ContentInfo_free(cms) }
        guard let stack = CMS_get1_certs(cms) else { return [] }
        // get1: the stack holds a reference of each certificate; pop_free drops them.
        defer { shuniu_sk_X509_pop_free(stack) }
        return Self.certificates(in: stack)
    }

    /// Verifies every signer's signature over `content` (the detached data, as bytes: no MIME
    /// canonicalisation) and returns the signer certificates, found among the embedded ones
    /// and `extraCertificates`. The signers' chains are not checked here: pass each to
    /// ``ChainVerifier`` with purpose `.signing`. Throws `.signatureInvalid` when a signature,
    /// or the content digest in the signed attributes, does not verify.
    public func verifyDetached(content: [UInt8], extraCertificates: [X509Certificate] = []) throws(TrustError) -> [X509Certificate] {
        guard let cms = parse() else {
            throw .fromOpenSSL(.malformedSignedData, "signed data no longer parses")
        }
        defer { CMS_ContentInfo_free(cms) }
        guard let extra = shuniu_sk_X509_new_null() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a certificate stack")
        }
        // Borrowed pointers: the stack goes before `extraCertificates` can.
        defer { shuniu_sk_X509_free(extra) }
        for certificate in extraCertificates where shuniu_sk_X509_push(extra, certificate.pointer) <= 0 {
            throw .fromOpenSSL(.internalFailure, "cannot build the certificate stack")
        }
        // CMS_BINARY: the content is bytes, not text to canonicalise; CMS_NO_SIGNER_CERT_VERIFY:
        // chains are the ChainVerifier's job, with SM2 IDs and CRLs it knows about.
        let flags = UInt32(CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY)
        let verified: Int32? = withExtendedLifetime(extraCertificates) {
            MemoryBIO.reading(content) { CMS_verify(cms, extra, nil, $0, nil, flags) }
        }
        guard let verified else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a BIO for the content")
        }
        guard verified == 1 else {
            throw .fromOpenSSL(.signatureInvalid, "CMS signature does not verify over the detached content")
        }
        guard let signers = CMS_get0_signers(cms) else {
            throw .fromOpenSSL(.signatureInvalid, "CMS signature verified but names no signer certificate")
        }
        // get0 signers: a new stack of borrowed certificates; free the stack only.
        defer { shuniu_sk_X509_free(signers) }
        return Self.certificates(in: signers)
    }

    private func parse() -> OpaquePointer? {
        MemoryBIO.reading(der) { d2i_CMS_bio($0, nil) } ?? nil
    }

    /// Our own references to the certificates of a stack OpenSSL owns.
    private static func certificates(in stack: OpaquePointer) -> [X509Certificate] {
        (0..<max(0, shuniu_sk_X509_num(stack))).compactMap { index in
            shuniu_sk_X509_value(stack, index).flatMap { try? X509Certificate(retaining: $0) }
        }
    }
}
