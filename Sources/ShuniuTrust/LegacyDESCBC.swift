import COpenSSL

/// DES in CBC mode with PKCS#7 padding (.NET's default `PaddingMode.PKCS7`), through OpenSSL's
/// legacy provider in a library context of its own (``LegacyLibraryContext``).
///
/// DES is weak: a 56-bit key falls to exhaustive search in hours. It is here only because the
/// provincial public-resource receiver (数据规范4.0, `UploadData_G_V4`) defines its token as
/// DES-CBC, and a hub that pushes to it must speak so. The token authenticates nothing by itself —
/// it proves only that the sender knew the 8-character secret at some time within ±12 hours, and
/// covers none of the data sent with it — so nothing in the hub relies on it for its own security.
/// The rest of the hub never sees the legacy provider and keeps refusing weak algorithms.
public enum LegacyDESCBC {
    /// DES's key, IV and block size in bytes.
    public static let blockSize = 8

    /// `plaintext` encrypted under `key` from `iv`, padded to whole blocks.
    public static func encrypt(_ plaintext: [UInt8], key: [UInt8], iv: [UInt8]) throws(TrustError) -> [UInt8] {
        try run(plaintext, key: key, iv: iv, encrypting: true)
    }

    /// `ciphertext` decrypted under `key` from `iv`, padding removed; throws `decryptionFailed` when
    /// it is not whole blocks or its padding is wrong (a wrong key, or not DES-CBC at all).
    public static func decrypt(_ ciphertext: [UInt8], key: [UInt8], iv: [UInt8]) throws(TrustError) -> [UInt8] {
        try run(ciphertext, key: key, iv: iv, encrypting: false)
    }

    private static func run(_ input: [UInt8], key: [UInt8], iv: [UInt8], encrypting: Bool) throws(TrustError) -> [UInt8] {
        guard key.count == blockSize else {
            throw TrustError(.badCipherParameter, "a DES key is \(blockSize) bytes; this one is \(key.count)")
        }
        guard iv.count == blockSize else {
            throw TrustError(.badCipherParameter, "a DES-CBC IV is \(blockSize) bytes; this one is \(iv.count)")
        }
        guard input.count <= Int(Int32.max) - 2 * blockSize else {
            throw TrustError(.badCipherParameter, "\(input.count) bytes is more than one DES-CBC call takes")
        }
        let library = try LegacyLibraryContext.get()
        guard let context = EVP_CIPHER_CTX_new() else {
            throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL could not make a cipher context")
        }
        defer { EVP_CIPHER_CTX_free(context) }
        // Padding is on by default: PKCS#7, as .NET's DESCryptoServiceProvider.
        guard EVP_CipherInit_ex2(context, library.desCBC, key, iv, encrypting ? 1 : 0, nil) == 1 else {
            throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL could not start DES-CBC")
        }
        var output = [UInt8](repeating: 0, count: input.count + 2 * blockSize)
        var updated: Int32 = 0
        var finished: Int32 = 0
        let ok = output.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress,
                  EVP_CipherUpdate(context, base, &updated, input, Int32(input.count)) == 1 else { return false }
            return EVP_CipherFinal_ex(context, base + Int(updated), &finished) == 1
        }
        guard ok else {
            if encrypting { throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL's DES-CBC encryption failed") }
            // The queue holds only "bad decrypt" / "wrong final block length": the message says it.
            OpenSSLErrorQueue.clear()
            throw TrustError(.decryptionFailed, !input.isEmpty && input.count % blockSize == 0
                ? "the ciphertext does not decrypt under this key: its padding is wrong (wrong key, or not DES-CBC)"
                : "the ciphertext is \(input.count) bytes, not one or more whole \(blockSize)-byte DES blocks")
        }
        return Array(output.prefix(Int(updated + finished)))
    }
}
