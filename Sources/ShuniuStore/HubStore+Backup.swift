import Foundation
import GRDB
import ShuniuCore
import ShuniuTrust

extension HubStore {
    /// Copies the store, while the daemon runs, into a new file at `file`: SQLite's online backup
    /// of one read snapshot, so the copy is one consistent moment. The copy is checked (integrity,
    /// audit chain) before it takes its name, readable by this user only, and the backup is
    /// audited as `store.backup` in this store. An existing file is never overwritten.
    public func backup(to file: String, by operatorName: String) async throws -> BackupCheck {
        guard !FileManager.default.fileExists(atPath: file) else {
            throw StoreError(.backupExists, "\(file) exists; a backup never overwrites a file")
        }
        let partial = file + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        do {
            let copy = try DatabaseQueue(path: partial)
            try pool.backup(to: copy)
            // One self-contained file: the copy leaves WAL mode (the hub turns it on again when it opens a restored store).
            try await copy.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = DELETE") }
            try copy.close()
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw StoreError(.cannotOpen, "cannot write the backup \(partial)", cause: error)
        }
        var check = try HubStore.check(backup: partial, auditKey: auditKeyInFile)
        guard check.isSound else {
            throw StoreError(.backupUnsound, "the copy at \(partial) does not check out (integrity: \(check.integrity), audit: \(check.auditSummary)); it is left there to be looked at")
        }
        try FileManager.default.moveItem(atPath: partial, toPath: file)
        check.file = file
        try await appendAudit(AuditEvent(
            actorKind: .operator, actor: operatorName, action: "store.backup", outcome: "ok", subject: file,
            detail: JSONText.encode(check)
        ))
        return check
    }

    /// Opens a store file read-only and checks it: what a backup must pass before it is kept or
    /// restored. The audit chain, versions, owners and deliveries are verified as
    /// `shuniu audit verify` does; a keyed chain needs its key (`key.missing` otherwise).
    public static func check(backup file: String, auditKey: AuditKey?) throws -> BackupCheck {
        var configuration = Configuration()
        configuration.readonly = true
        let queue: DatabaseQueue
        do {
            queue = try DatabaseQueue(path: file, configuration: configuration)
        } catch {
            throw StoreError(.cannotOpen, "cannot open \(file) as a Shuniu store", cause: error)
        }
        defer { try? queue.close() }
        do {
            return try queue.read { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
                return BackupCheck(
                    file: file,
                    bytes: (try? FileManager.default.attributesOfItem(atPath: file)[.size] as? NSNumber)?.int64Value ?? 0,
                    integrity: integrity,
                    versions: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM record_version") ?? 0,
                    deliveriesWaiting: try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(count), 0) FROM queue_counter WHERE state IN ('pending', 'in_flight', 'retrying')") ?? 0,
                    audit: try HubStore.verifyAudit(in: db, key: auditKey, checkpoints: nil),
                    migrations: try HubStore.migrator.appliedMigrations(db)
                )
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError(.cannotOpen, "\(file) is not a Shuniu store: \(error)", cause: error)
        }
    }

    /// Puts a checked backup in place of the store in `directory`, with the daemon stopped: the
    /// current store is kept beside it as `shuniu.sqlite.replaced-<time>` (with its WAL, if it
    /// has one), never deleted. The restored store is opened (pending
    /// migrations run) and the restore is audited as `store.restore` in it. Returns the check of
    /// the backup and the name the replaced store got. The backup's audit chain is checked with
    /// the key in `auditKeyFile` (default `<directory>/audit.key`), which the restored store keeps.
    public static func restore(
        from backup: String, into directory: String, auditKeyFile: String? = nil, by operatorName: String, at instant: Date = Date()
    ) async throws -> (check: BackupCheck, replaced: String?) {
        let keyFile = auditKeyFile ?? (directory as NSString).appendingPathComponent(HubStore.auditKeyFileName)
        let check = try HubStore.check(backup: backup, auditKey: try AuditKey.load(path: keyFile))
        guard check.isSound else {
            throw StoreError(.backupUnsound, "\(backup) does not check out (integrity: \(check.integrity), audit: \(check.auditSummary)); nothing was changed")
        }
        let known = Set(HubStore.migrator.migrations)
        let unknown = check.migrations.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw StoreError(.backupUnsound, "\(backup) comes from a newer Shuniu (migrations \(unknown.joined(separator: ", "))); restore it with that version; nothing was changed")
        }
        let path = (directory as NSString).appendingPathComponent(HubStore.fileName)
        var replaced: String?
        if FileManager.default.fileExists(atPath: path) {
            // Moved aside as it is, its WAL beside it, without opening it: the store being
            // replaced may be the broken one that the restore is for.
            let stamp = ISO8601DateFormatter().string(from: instant).replacingOccurrences(of: ":", with: "")
            let aside = path + ".replaced-" + stamp
            try FileManager.default.moveItem(atPath: path, toPath: aside)
            for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                try FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            replaced = aside
        } else {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        try FileManager.default.copyItem(atPath: backup, toPath: partial)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: partial)
        try FileManager.default.moveItem(atPath: partial, toPath: path)
        let store = try HubStore(directory: directory, create: false, auditKeyFile: keyFile)
        defer { try? store.close() }
        struct Detail: Encodable { var backup: BackupCheck; var replaced: String? }
        try await store.appendAudit(AuditEvent(
            actorKind: .operator, actor: operatorName, action: "store.restore", outcome: "ok", subject: backup,
            detail: JSONText.encode(Detail(backup: check, replaced: replaced))
        ), at: instant)
        return (check, replaced)
    }
}
