import Foundation
import ShuniuCore
#if canImport(Glibc)
import Glibc
#endif

/// The secret that keys the audit chain and signs its checkpoints: 32 random bytes kept in a
/// file outside the database, readable by the hub's user only.
///
/// The file holds the key as 64 hex digits and a newline. Two keys are derived from it, one for
/// the chain's hashes and one for checkpoint MACs, so that a MAC of one kind is never valid as
/// the other. The key is never logged: `description` shows only its id.
public struct AuditKey: Sendable, CustomStringConvertible {
    /// HMAC-SHA256 keyed with the chain key; the only scheme so far.
    public static let scheme = "hmac-sha256"

    private let chainKey: [UInt8]
    private let checkpointKey: [UInt8]
    /// 16 hex digits naming the key (a MAC of a fixed text), safe to print and store.
    public let id: String

    /// A key from its 32 bytes.
    public init(bytes: [UInt8]) {
        let mac = MessageAuthenticator(digest: .sha256)
        chainKey = mac.code(key: bytes, message: Array("shuniu audit chain v1".utf8))
        checkpointKey = mac.code(key: bytes, message: Array("shuniu audit checkpoint v1".utf8))
        id = String(Hex.encode(mac.code(key: bytes, message: Array("shuniu audit key id v1".utf8))).prefix(16))
    }

    public var description: String { "AuditKey(\(id))" }

    /// The chain hash of an entry's text: HMAC-SHA256 under the chain key, as hex.
    package func chainHash(_ message: [UInt8]) -> String {
        Hex.encode(MessageAuthenticator(digest: .sha256).code(key: chainKey, message: message))
    }

    /// The MAC of a checkpoint's text, as hex.
    package func checkpointMAC(_ message: String) -> String {
        Hex.encode(MessageAuthenticator(digest: .sha256).code(key: checkpointKey, message: Array(message.utf8)))
    }

    /// True when `mac` is the checkpoint MAC of `message`, compared in constant time.
    package func checkpointMACMatches(_ mac: String, _ message: String) -> Bool {
        MessageAuthenticator.constantTimeEquals(Array(mac.utf8), Array(checkpointMAC(message).utf8))
    }

    /// The key in `path`, or nil when there is no file. Throws when the file is unreadable,
    /// malformed, or readable by anyone but its owner.
    public static func load(path: String) throws -> AuditKey? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        if let mode = (attributes?[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw StoreError(.auditKey, "the audit key file \(path) is readable by others (mode \(String(mode, radix: 8))): chmod 600 it")
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw StoreError(.auditKey, "cannot read the audit key file \(path)")
        }
        let hex = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard hex.count == 64, let bytes = Hex.decode(hex) else {
            throw StoreError(.auditKey, "the audit key file \(path) does not hold 64 hex digits")
        }
        return AuditKey(bytes: bytes)
    }

    /// Makes a new random key in a new file at `path` (mode 0600, flushed to disk). When another
    /// process made the file first, its key is returned instead.
    ///
    /// The key is written whole to a file of its own first and then linked at `path`, which fails
    /// when `path` exists: an instance starting beside another never reads a half-written key.
    public static func create(path: String) throws -> AuditKey {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let draft = "\(path).\(getpid()).\(UInt32.random(in: .min ... .max, using: &generator)).new"
        let descriptor = open(draft, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw StoreError(.auditKey, "cannot create the audit key file \(path): \(String(cString: strerror(errno)))")
        }
        defer { unlink(draft) }
        let text = Array((Hex.encode(bytes) + "\n").utf8)
        let written = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor)
        close(descriptor)
        guard written == text.count, synced == 0 else {
            throw StoreError(.auditKey, "cannot write the audit key file \(path)")
        }
        if link(draft, path) != 0 {
            if errno == EEXIST, let existing = try load(path: path) { return existing }
            throw StoreError(.auditKey, "cannot create the audit key file \(path): \(String(cString: strerror(errno)))")
        }
        return AuditKey(bytes: bytes)
    }
}
