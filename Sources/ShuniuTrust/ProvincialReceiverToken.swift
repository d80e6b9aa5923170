import Foundation
import ShuniuCore
import ShuniuSpec

/// The `TOKEN` of the provincial public-resource receiver (数据规范4.0, `UploadData_G_V4`'s
/// `validation`): Base64(DES-CBC(plaintext)) with key = IV = the 8-character ASCII secret the
/// receiver gave the sender's SYSTEM_NO, and plaintext = SYSTEM_NO (4 characters) +
/// `yyyyMMddHHmmss` + upper-case hex MD5(SYSTEM_NO).
///
/// The time is the sender's local time, which for this receiver is China Standard Time (UTC+8):
/// the receiver compares it, as local time, with its own clock (±12 hours). The token proves only
/// that the secret was known; it binds nothing of the data (see ``LegacyDESCBC``).
public enum ProvincialReceiverToken {
    /// What a token says.
    public struct Contents: Sendable, Equatable {
        /// The 4-character system number at its head.
        public var systemNo: String
        /// Its `yyyyMMddHHmmss` time, read as China Standard Time.
        public var time: Date
    }

    /// The length of a SYSTEM_NO.
    public static let systemNoLength = 4
    /// The length of a secret: DES's key size, in ASCII characters.
    public static let secretLength = LegacyDESCBC.blockSize

    /// The token `systemNo` presents at `time`.
    public static func make(systemNo: String, secret: String, at time: Date) throws(TrustError) -> String {
        guard systemNo.utf8.count == systemNoLength, systemNo.allSatisfy(\.isASCII) else {
            throw TrustError(.badCipherParameter, "a SYSTEM_NO is \(systemNoLength) ASCII characters; '\(systemNo)' is not")
        }
        let key = try secretBytes(secret)
        let digest = try LegacyLibraryContext.get().md5Digest(Array(systemNo.utf8))
        let plaintext = systemNo + SpecTime.text(time) + Hex.encode(digest).uppercased()
        return Data(try LegacyDESCBC.encrypt(Array(plaintext.utf8), key: key, iv: key)).base64EncodedString()
    }

    /// The system and time `token` holds when it decrypts under `secret`; throws `malformedToken`
    /// when it is not Base64, does not decrypt, or holds no system number and time.
    public static func read(token: String, secret: String) throws(TrustError) -> Contents {
        let key = try secretBytes(secret)
        guard let ciphertext = Data(base64Encoded: token.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw TrustError(.malformedToken, "the token is not Base64")
        }
        let plaintext: [UInt8]
        do {
            plaintext = try LegacyDESCBC.decrypt(Array(ciphertext), key: key, iv: key)
        } catch {
            throw TrustError(.malformedToken, "the token does not decrypt under this system's secret: \(error.message)")
        }
        guard let text = String(validating: plaintext, as: UTF8.self) else {
            throw TrustError(.malformedToken, "the decrypted token is not text")
        }
        let characters = Array(text)
        let timeLength = 14
        guard characters.count >= systemNoLength + timeLength,
              let time = SpecTime.parseDateTime(String(characters[systemNoLength..<systemNoLength + timeLength])) else {
            throw TrustError(.malformedToken, "the decrypted token does not hold a system number and a yyyyMMddHHmmss time")
        }
        return Contents(systemNo: String(characters[0..<systemNoLength]), time: time)
    }

    private static func secretBytes(_ secret: String) throws(TrustError) -> [UInt8] {
        guard secret.utf8.count == secretLength, secret.allSatisfy(\.isASCII) else {
            throw TrustError(.badCipherParameter, "the receiver's secret is \(secretLength) ASCII characters; this one is \(secret.count) characters")
        }
        return Array(secret.utf8)
    }
}
