import COpenSSL

extension X509Certificate {
    /// This certificate, or for an SM2-signed one a private copy carrying the distinguishing ID
    /// OpenSSL must use when checking its signature (without it OpenSSL 3.0 uses an empty ID).
    /// A copy keeps shared certificates unmodified, so they stay safe to use from any thread.
    func withDistinguishingID(_ id: String) throws(TrustError) -> X509Certificate {
        guard isSM2Signed else { return self }
        guard let copy = X509_dup(pointer) else {
            throw .fromOpenSSL(.internalFailure, "cannot copy certificate \(subject)")
        }
        guard let octets = ASN1_OCTET_STRING_new() else {
            X509_free(copy)
            throw .fromOpenSSL(.internalFailure, "cannot allocate the SM2 distinguishing ID")
        }
        let bytes = Array(id.utf8)
        guard ASN1_OCTET_STRING_set(octets, bytes, Int32(bytes.count)) == 1 else {
            ASN1_OCTET_STRING_free(octets)
            X509_free(copy)
            throw .fromOpenSSL(.internalFailure, "cannot set the SM2 distinguishing ID")
        }
        // set0: the certificate now owns the octet string.
        X509_set0_distinguishing_id(copy, octets)
        return try X509Certificate(taking: copy)
    }
}
