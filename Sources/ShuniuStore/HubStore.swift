import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust
import Synchronization

/// The hub's durable store: one SQLite file in WAL mode, shared by the daemon and the CLI.
///
/// Writes are serialized by GRDB's single writer; reads run concurrently on its reader pool.
/// `synchronous = FULL` makes every commit durable before a platform gets its 2xx.
public final class HubStore: Sendable {
    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Whether writes succeed now, as the last one found.
    public let health = StoreHealth()
    /// The file holding the key of the audit chain.
    public let auditKeyFile: String
    /// Why entries cannot be appended (the chain's key is missing or another one), or nil.
    public let auditKeyProblem: String?
    /// The chain's key once it is known; read by the SQL function that chains new entries.
    let auditKeyHolder: AuditKeyHolder
    /// The key in the key file, whether or not it is the chain's: verification names a mismatch.
    let auditKeyInFile: AuditKey?
    /// Set by the first ``close()``: a closed pool must not be touched again (SQLite would crash).
    private let closed = Mutex(false)

    /// The file name inside the data directory.
    public static let fileName = "shuniu.sqlite"
    /// The audit key's file name inside the data directory, unless configured elsewhere.
    public static let auditKeyFileName = "audit.key"

    /// Opens the store in `directory` and runs pending migrations. With `create`, a missing
    /// directory and file are made, readable by this user only (the store holds app secrets);
    /// without it, a missing store is an error, so that a typo in `--data-dir` is not a new,
    /// empty hub.
    ///
    /// `maxSizeBytes` limits the database file (SQLite's `max_page_count`): past it writes fail as
    /// on a full disk, leaving the disk's own space to the system and the logs.
    ///
    /// The audit chain's key is read from `auditKeyFile` (default `<directory>/audit.key`). A
    /// store whose chain is not keyed yet is keyed from its next entry on, with the key in that
    /// file or, when there is none, a new random one written there (mode 0600). When the chain
    /// is keyed and the file is missing or holds another key, the store opens for reading and
    /// verifying, ``auditKeyProblem`` says why, and appending an entry fails.
    public init(directory: String, create: Bool = true, maxSizeBytes: Int64? = nil, auditKeyFile: String? = nil) throws {
        let path = (directory as NSString).appendingPathComponent(HubStore.fileName)
        let keyFile = auditKeyFile ?? (directory as NSString).appendingPathComponent(HubStore.auditKeyFileName)
        let holder = AuditKeyHolder()
        let existed = FileManager.default.fileExists(atPath: path)
        if !existed {
            guard create else {
                let shown = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
                throw StoreError(.notFound, "no store at \((shown as NSString).standardizingPath): start the hub once, register a platform, or pass --data-dir")
            }
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw StoreError(.cannotOpen, "cannot create data directory \(directory)", cause: error)
            }
        }
        var configuration = Configuration()
        // The CLI and the daemon share the file: wait for the other's write instead of failing.
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            if let maxSizeBytes { try HubStore.limitSize(to: maxSizeBytes, in: db) }
            db.add(function: holder.chainHashFunction)
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            if !existed {
                // SQLite gives the -wal and -shm files the database file's permissions.
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
            try HubStore.migrator.migrate(pool)
        } catch {
            throw StoreError(.cannotOpen, "cannot open store \(path)", cause: error)
        }
        self.path = path
        self.auditKeyFile = keyFile
        self.auditKeyHolder = holder
        (self.auditKeyProblem, self.auditKeyInFile) = try HubStore.keyAuditChain(pool: pool, keyFile: keyFile, holder: holder)
    }

    /// Checkpoints the WAL and closes every connection. Later calls do nothing.
    public func close() throws {
        guard closed.withLock({ wasClosed in defer { wasClosed = true }; return !wasClosed }) else { return }
        try? pool.writeWithoutTransaction { db in
            _ = try db.checkpoint(.truncate)
        }
        try pool.close()
    }

    /// Bytes used on disk by the database and its WAL.
    public func sizeOnDisk() -> Int64 {
        [path, path + "-wal", path + "-shm"].reduce(Int64(0)) { total, file in
            let size = (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0
            return total + size
        }
    }

    /// True when the store answers a trivial query and takes writes; used by `/readyz`. While
    /// writes fail, a call probes (at most once a second), so readiness returns with the space.
    public func isReady() async -> Bool {
        guard (try? await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1 else { return false }
        if health.current.isWritable { return true }
        guard health.mayProbe() else { return false }
        return (try? await probeWrite()) != nil
    }

    /// A durable write of 64 KiB of fresh pages, removed again in a second transaction: it
    /// succeeds only when the store has room for a batch, not merely for a row rewritten in place.
    public func probeWrite() async throws {
        try await health.track(provesRoom: true) {
            try await pool.write { db in
                try db.execute(sql: "INSERT INTO store_probe (at, room) VALUES (?, zeroblob(65536))", arguments: [Date()])
            }
            try await pool.write { db in try db.execute(sql: "DELETE FROM store_probe") }
        }
    }

    /// Changes the size limit of the running store (the writer's connection, which makes every write).
    public func limitSize(to bytes: Int64) async throws {
        try await pool.writeWithoutTransaction { db in try HubStore.limitSize(to: bytes, in: db) }
    }

    static func limitSize(to bytes: Int64, in db: Database) throws {
        let pageSize = try Int64.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        _ = try Int64.fetchOne(db, sql: "PRAGMA max_page_count = \(max(1, bytes / pageSize))")
    }

    /// Free space, in bytes, on the file system that holds the store.
    public func freeDiskBytes() -> Int64? {
        (try? FileManager.default.attributesOfFileSystem(forPath: path)[.systemFreeSize] as? NSNumber)?.int64Value
    }
}
