import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore
import ShuniuStore

/// `shuniu restore FILE`: the store replaced by a checked backup, with the hub stopped.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Replace the store with a backup (the hub must be stopped); the current store is kept beside it, the restore audited.",
        discussion: """
            The backup is checked first (integrity, audit chain and versions with the key in audit.keyFile, schema no newer \
            than this Shuniu); a backup that fails changes nothing. A signed `restore` checkpoint is appended to \
            audit.checkpointFile, so that the replaced store's checkpoints are no longer compared. The current store is renamed shuniu.sqlite.replaced-<time>, never deleted. Start the hub \
            afterwards: queues resume from the backup's state, and upstreams drop what they already had by its idempotency key.
            """
    )
    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var operatorOption: OperatorOption
    @Argument(help: "A file written by shuniu backup.") var file: String

    func run() async throws {
        let configuration = try hub.configuration()
        guard configuration.engine == .sqlite else {
            throw CLIFailure("""
                shuniu restore puts a backup of the SQLite engine in place of its file; this hub's store is PostgreSQL: \
                restore a pg_dump copy with pg_restore into an empty database, then point storage.postgres.url at it
                """)
        }
        // Held for the restore, so that no hub starts on a store being replaced.
        let lock: DaemonLock
        do {
            lock = try DaemonLock(dataDir: configuration.dataDir, asDaemon: false)
        } catch let busy as DaemonLock.Busy {
            throw CLIFailure.hub("\(busy): stop it first (SIGTERM), then restore")
        }
        defer { lock.release() }
        // SQLite only: a backup is one store file put in place of another. A PostgreSQL engine
        // refuses `shuniu backup` (its copies are pg_dump's), so there is no file of its to restore.
        let (check, replaced) = try await HubStore.restore(
            from: file, into: configuration.dataDir, auditKeyFile: configuration.auditKeyFile, by: operatorOption.resolved
        )
        let store = try await hub.openStore()
        defer { try? store.close() }
        try AuditCheckpointLog(path: configuration.auditCheckpointFile).append(try await store.auditCheckpoint(event: "restore"))
        if output.json {
            struct Restored: Encodable { var backup: BackupCheck; var replaced: String? }
            return try Output.json(Restored(backup: check, replaced: replaced))
        }
        print("restored \(BackupCommand.describe(check))")
        print(replaced.map { "the previous store is kept as \($0)" } ?? "there was no store before")
    }
}
