import ArgumentParser
import Foundation
import ShuniuCore

/// `shuniu backup FILE`: a consistent copy of the store while the hub runs, checked and audited.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the store to a new file while the hub runs; the copy is checked (integrity, audit chain and versions, with the audit key) and the backup audited."
    )
    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var operatorOption: OperatorOption
    @Argument(help: "The new file, e.g. /backup/shuniu-2026-12-01.sqlite (never overwritten).") var file: String

    func run() async throws {
        let store = try await hub.openStore()
        defer { try? store.close() }
        let check: BackupCheck
        do {
            check = try await store.backup(to: file, by: operatorOption.resolved)
        } catch let error as StoreError where error.code == .backupUnsupported {
            // The engine's own tools make its copies: its message says which command to run.
            throw CLIFailure("shuniu backup: the \(store.engineName) store is not copied by shuniu: \(error.message)")
        }
        if output.json { return try Output.json(check) }
        print(BackupCommand.describe(check))
    }

    static func describe(_ check: BackupCheck) -> String {
        "\(check.file): \(check.bytes) bytes, \(check.versions) record versions, \(check.deliveriesWaiting) deliveries waiting, "
            + "\(check.audit.entries) audit entries (audit \(check.auditSummary)), integrity \(check.integrity)"
    }
}
