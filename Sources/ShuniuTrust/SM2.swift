import COpenSSL

/// SM2 (GB/T 32918) signatures with SM3 and a distinguishing ID, done by hand where OpenSSL 3.0
/// would otherwise use an empty ID.
public enum SM2 {
    /// The GM/T 0009-2012 default distinguishing ID.
    public static let defaultDistinguishingID = "1234567812345678"

    /// True when `signature` (DER `SEQUENCE { r, s }`) is an SM2 signature over
    /// SM3(Z_A ‖ `message`) by `publicKey` (a borrowed EVP_PKEY*), with Z_A computed from `id`.
    static func verify(signature: [UInt8], message: [UInt8], publicKey: OpaquePointer, id: String) -> Bool {
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        // The ID must go on the pkey context that EVP_DigestVerifyInit returns: one created
        // beforehand and attached is silently ignored, and OpenSSL then hashes an empty ID.
        var keyContext: OpaquePointer?
        guard EVP_DigestVerifyInit(context, &keyContext, EVP_sm3(), nil, publicKey) == 1, let keyContext else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let idBytes = Array(id.utf8)
        let idSet = idBytes.withUnsafeBytes { EVP_PKEY_CTX_set1_id(keyContext, $0.baseAddress, Int32($0.count)) }
        guard idSet == 1 else {
            OpenSSLErrorQueue.clear()
            return false
        }
        let result = signature.withUnsafeBufferPointer { signatureBuffer in
            message.withUnsafeBufferPointer { messageBuffer in
                EVP_DigestVerify(context, signatureBuffer.baseAddress, signatureBuffer.count, messageBuffer.baseAddress, messageBuffer.count)
            }
        }
        // A failed check queues an error that is not a failure of ours.
        OpenSSLErrorQueue.clear()
        return result == 1
    }

    /// An SM2 signature (DER `SEQUENCE { r, s }`) over SM3(Z_A ‖ `message`) with `privateKey`
    /// (a borrowed EVP_PKEY*), Z_A computed from `id` — as ``verify(signature:message:publicKey:id:)`` checks it.
    static func sign(message: [UInt8], privateKey: OpaquePointer, id: String) throws(TrustError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else {
            throw .fromOpenSSL(.internalFailure, "cannot allocate a digest context")
        }
        defer { EVP_MD_CTX_free(context) }
        // As for verifying: the ID goes on the pkey context that EVP_DigestSignInit returns.
        var keyContext: OpaquePointer?
        guard EVP_DigestSignInit(context, &keyContext, EVP_sm3(), nil, privateKey) == 1, let keyContext else {
            throw .fromOpenSSL(.internalFailure, "cannot start SM2 signing")
        }
        let idSet = Array(id.utf8).withUnsafeBytes { EVP_PKEY_CTX_set1_id(keyContext, $0.baseAddress, Int32($0.count)) }
        guard idSet == 1 else {
            throw .fromOpenSSL(.internalFailure, "cannot set the SM2 distinguishing ID")
        }
        return try PrivateKey.finish(context, message)
    }

    /// True when the EVP_PKEY is an SM2 key (an EC key on the SM2 curve).
    static func isSM2Key(_ key: OpaquePointer) -> Bool {
        if EVP_PKEY_is_a(key, "SM2") == 1 { return true }
        return EVP_PKEY_is_a(key, "EC") == 1 && PublicKeyAlgorithm.groupName(of: key) == "SM2"
    }
}
