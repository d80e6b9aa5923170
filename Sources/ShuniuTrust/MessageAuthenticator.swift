import COpenSSL
import ShuniuCore

/// HMAC over SHA-256 or SM3, computed by OpenSSL.
public struct MessageAuthenticator: Sendable {
    public let digest: DigestAlgorithm

    public init(digest: DigestAlgorithm) {
        self.digest = digest
    }

    /// The authenticator a request signature method names.
    public init(method: SignatureMethod) {
        switch method {
        case .hmacSHA256: self.init(digest: .sha256)
        case .hmacSM3: self.init(digest: .sm3)
        }
    }

    /// The MAC of `message` under `key`; throws when this OpenSSL build lacks the HMAC's digest.
    public func checkedCode(key: some Collection<UInt8>, message: some Collection<UInt8>) throws(TrustError) -> [UInt8] {
        let keyBytes = Array(key)
        let messageBytes = Array(message)
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let result = keyBytes.withUnsafeBytes { keyBuffer in
            messageBytes.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    HMAC(digest.evp, keyBuffer.baseAddress, Int32(keyBuffer.count), messageBuffer.baseAddress, messageBuffer.count, outputBuffer.baseAddress, &length)
                }
            }
        }
        guard result != nil else { throw TrustError.fromOpenSSL(.internalFailure, "OpenSSL offers no HMAC-\(digest.rawValue)") }
        return Array(output.prefix(Int(length)))
    }

    /// The MAC of `message` under `key`. HMAC fails only when its digest is missing from the
    /// library build, which ``CryptoSelfCheck`` rules out at start-up.
    public func code(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
        do {
            return try checkedCode(key: key, message: message)
        } catch {
            // Never a short MAC: an HMAC that vanished after the start-up check is a broken library.
            preconditionFailure("\(error) after the start-up self-check passed")
        }
    }

    /// The MAC of `message` under `key`, as lower-case hex.
    public func hexCode(key: String, message: String) -> String {
        Hex.encode(code(key: Array(key.utf8), message: Array(message.utf8)))
    }

    /// Compares a presented MAC with the expected one in time that does not depend on where
    /// they differ, so a caller cannot learn the MAC byte by byte.
    public static func constantTimeEquals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
