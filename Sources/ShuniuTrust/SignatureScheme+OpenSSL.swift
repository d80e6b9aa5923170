import COpenSSL

extension SignatureScheme.Digest {
    /// OpenSSL's message digest for this digest.
    var messageDigest: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sha384: EVP_sha384()
        }
    }
}

/// RSA-PSS settings on a key context that EVP_DigestSignInit or EVP_DigestVerifyInit returned:
/// they belong to the digest context and must be set before the first update.
enum RSAPSSPadding {
    static func configure(_ keyContext: OpaquePointer, messageDigest: OpaquePointer?, saltLength: Int32) -> Bool {
        EVP_PKEY_CTX_set_rsa_padding(keyContext, RSA_PKCS1_PSS_PADDING) == 1
            && EVP_PKEY_CTX_set_rsa_pss_saltlen(keyContext, saltLength) == 1
            && EVP_PKEY_CTX_set_rsa_mgf1_md(keyContext, messageDigest) == 1
    }
}
