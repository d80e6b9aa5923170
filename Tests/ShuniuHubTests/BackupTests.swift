import Foundation
import ShuniuClient
import ShuniuCore
import ShuniuTrust
import ShuniuStore
import ShuniuTesting
import Testing

/// `shuniu backup` while the hub runs and `shuniu restore` with it stopped, through the real
/// executable and a real daemon.
@Suite("Backup and restore")
struct BackupTests {
    func push(_ client: IngestClient, batch: Int) async throws {
        let response = try await client.send(body: Fixtures.batch(Fixtures.projects(count: 50, start: batch * 50 + 1)))
        #expect(response.status == 200, "\(response.bodyText)")
    }

    @Test("A backup taken while platforms push is one checked moment, audited; the hub is refused a restore while it runs; stopped, it gets the backup's store back and keeps the replaced one")
    func backupAndRestore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let dataDir = folder.file("data")
        let credential = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        let backup = folder.file("backup.sqlite")
        let check = try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("serve.log")) { daemon in
            let client = IngestClient(baseURL: daemon.baseURL, credential: credential)
            for batch in 0..<4 { try await push(client, batch: batch) }

            // Pushes go on while the backup runs; the copy is one moment between them.
            async let pushing: Void = { for batch in 4..<8 { try await push(client, batch: batch) } }()
            let taken = try await CLI.run(["backup", "--data-dir", dataDir, "--operator", "alice", backup])
            try await pushing
            #expect(taken.status == 0, "\(taken.output)")
            let check = try HubStore.check(backup: backup, auditKey: try AuditKey.load(path: dataDir + "/" + HubStore.auditKeyFileName))
            #expect(check.isSound && check.versions >= 200 && check.versions <= 400 && check.versions % 50 == 0, "\(check)")
            #expect(!FileManager.default.fileExists(atPath: backup + "-wal") && !FileManager.default.fileExists(atPath: backup + ".partial"))
            let again = try await CLI.run(["backup", "--data-dir", dataDir, backup])
            #expect(again.status != 0 && again.output.contains("never overwrites"), "\(again.output)")

            let refused = try await CLI.run(["restore", "--data-dir", dataDir, backup])
            #expect(refused.status == 3 && refused.output.contains("a hub already runs on \(dataDir): pid \(daemon.process.pid)"), "\(refused.output)")
            #expect(try await daemon.stop(signal: SIGTERM) == 0)
            return check
        }

        let restored = try await CLI.run(["restore", "--data-dir", dataDir, "--operator", "bob", backup])
        #expect(restored.status == 0, "\(restored.output)")
        let store = try HubStore(directory: dataDir, create: false)
        #expect(try await store.versionCount() == check.versions)
        let audit = try await store.auditEntries(limit: 1)
        #expect(audit.first?.action == "store.restore" && audit.first?.actor == "bob")
        #expect(try await store.verifyAuditChain().intact)
        try store.close()
        // The replaced store is kept whole, with every version and the backup's audit entry.
        let replaced = try #require(try FileManager.default.contentsOfDirectory(atPath: dataDir).first { $0.hasPrefix("shuniu.sqlite.replaced-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm") })
        let previous = try HubStore.check(backup: dataDir + "/" + replaced, auditKey: try AuditKey.load(path: dataDir + "/" + HubStore.auditKeyFileName))
        #expect(previous.versions == 400 && previous.isSound, "\(previous)")

        // The hub starts on the restored store and takes pushes again.
        try await HubProcess.withRunning(dataDir: dataDir, logFile: folder.file("second.log")) { second in
            try await push(IngestClient(baseURL: second.baseURL, credential: credential), batch: 20)
            #expect(try await second.stop(signal: SIGTERM) == 0)
        }
    }

    /// A store with one platform under `folder/data`, and its backup at `folder/backup.sqlite`.
    func storeWithBackup(in folder: TemporaryDirectory) async throws -> (dataDir: String, backup: String) {
        let dataDir = folder.file("data")
        _ = try await Fixtures.registerBeforeStart(dataDir: dataDir)
        let backup = folder.file("backup.sqlite")
        let store = try HubStore(directory: dataDir, create: false)
        _ = try await store.backup(to: backup, by: "test")
        try store.close()
        return (dataDir, backup)
    }

    @Test("A backup that is not a sound Shuniu store changes nothing: a tampered audit log, a file that is not SQLite")
    func unsoundBackupRefused() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (dataDir, backup) = try await storeWithBackup(in: folder)
        try StoreTampering.rewriteAuditActor(databasePath: backup, id: 1, actor: "mallory")
        let tampered = try await CLI.run(["restore", "--data-dir", dataDir, backup])
        #expect(tampered.status != 0 && tampered.output.contains("does not check out") && tampered.output.contains("nothing was changed"), "\(tampered.output)")

        let garbage = folder.file("garbage.sqlite")
        try Data("not a database".utf8).write(to: URL(fileURLWithPath: garbage))
        let notSQLite = try await CLI.run(["restore", "--data-dir", dataDir, garbage])
        #expect(notSQLite.status != 0 && notSQLite.output.contains("cannot open \(garbage) as a Shuniu store"), "\(notSQLite.output)")

        #expect(try FileManager.default.contentsOfDirectory(atPath: dataDir).filter { $0.contains("replaced") }.isEmpty)
        let untouched = try HubStore(directory: dataDir, create: false)
        #expect(try await untouched.auditEntries(limit: 1).first?.action == "store.backup")
        try untouched.close()
    }

    @Test("A store too broken to open is still moved aside whole, and the backup restored")
    func restoreOverBrokenStore() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let (dataDir, backup) = try await storeWithBackup(in: folder)
        try Data("this is no longer a database".utf8).write(to: URL(fileURLWithPath: dataDir + "/" + HubStore.fileName))

        let restored = try await CLI.run(["restore", "--data-dir", dataDir, backup])
        #expect(restored.status == 0, "\(restored.output)")
        let aside = try #require(try FileManager.default.contentsOfDirectory(atPath: dataDir).first {
            $0.hasPrefix("shuniu.sqlite.replaced-") && !$0.hasSuffix("-wal") && !$0.hasSuffix("-shm")
        })
        #expect(try String(contentsOfFile: dataDir + "/" + aside, encoding: .utf8) == "this is no longer a database")
        let reopened = try HubStore(directory: dataDir, create: false)
        #expect(try await reopened.platforms().count == 1)
        try reopened.close()
    }
}
