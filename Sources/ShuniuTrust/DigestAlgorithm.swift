import COpenSSL
import ShuniuCore

/// A message digest the hub computes through OpenSSL.
public enum DigestAlgorithm: String, Sendable, CaseIterable {
    case sha256 = "SHA-256"
    /// GM/T 0004 SM3, 256 bits.
    case sm3 = "SM3"

    /// The OpenSSL digest; a fresh lookup each time is cheap (static tables).
    var evp: OpaquePointer? {
        switch self {
        case .sha256: EVP_sha256()
        case .sm3: EVP_sm3()
        }
    }

    /// Hashes `bytes`; throws when this OpenSSL build lacks the digest (SM3 may be left out).
    public func checkedHash(_ bytes: some Collection<UInt8>) throws(TrustError) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let input = Array(bytes)
        let ok = input.withUnsafeBufferPointer { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                EVP_Digest(inputBuffer.baseAddress, inputBuffer.count, outputBuffer.baseAddress, &length, evp, nil)
            }
        }
        guard ok == 1 else { throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL offers no \(rawValue) digest") }
        return Array(output.prefix(Int(length)))
    }

    /// Hashes `bytes` and returns the digest. EVP_Digest fails only when the digest is missing
    /// from the library build, which ``CryptoSelfCheck`` rules out at start-up.
    public func hash(_ bytes: some Collection<UInt8>) -> [UInt8] {
        do {
            return try checkedHash(bytes)
        } catch {
            // Never garbage: a digest that vanished after the start-up check is a broken library.
            preconditionFailure("\(error) after the start-up self-check passed")
        }
    }

    public func hash(_ text: String) -> [UInt8] {
        hash(Array(text.utf8))
    }

    /// The digest as lower-case hex text.
    public func hexHash(_ bytes: some Collection<UInt8>) -> String {
        Hex.encode(hash(bytes))
    }
}

