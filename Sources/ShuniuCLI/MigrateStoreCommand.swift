import ArgumentParser
import Foundation
import Logging
import ShuniuApp
import ShuniuCore
import ShuniuPostgres
import ShuniuStore

/// `shuniu migrate-store --to postgres://…`: the SQLite store copied into an empty PostgreSQL
/// database, with the hub stopped, then verified there.
struct MigrateStoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-store",
        abstract: "Copy the SQLite store into an empty PostgreSQL database (the hub must be stopped), then verify the copy and its audit chain there.",
        discussion: """
            Every table is copied with its rows and ids, in one transaction: a failure leaves the database empty. A database \
            with a row in any of the hub's tables is refused, and nothing is written. The database's schema is made by the \
            PostgreSQL engine's migrations; the audit chain keeps its key (audit.keyFile serves both engines). After the \
            copy, every table's row count is compared, and the audit chain is verified on PostgreSQL: the same number of \
            entries and the same last hash as in the SQLite store. The migration is then audited there (store.migrate). The \
            SQLite store is left as it was. Then set storage.engine: postgres and storage.postgres.url, and start the hub.
            """
    )
    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var operatorOption: OperatorOption
    @Option(name: .long, help: "The database: postgres://USER@HOST[:PORT]/DB[?sslmode=…] (no password in it).") var to: String
    @Option(
        name: .customLong("password-file"),
        help: "A file whose first line is the database's password (default: $\(PostgresSettings.passwordVariable), else none)."
    )
    var passwordFile: String?

    func validate() throws {
        // As the configuration reader: a password in a URL ends up in shell histories and process lists.
        let parsed: PostgresStoreConfiguration
        do {
            parsed = try PostgresStoreConfiguration(url: to)
        } catch {
            throw ValidationError("--to is not a usable database URL: \(error.message)")
        }
        if parsed.password != nil {
            throw ValidationError("--to must not hold a password: put it in --password-file or $\(PostgresSettings.passwordVariable)")
        }
    }

    func run() async throws {
        let configuration = try hub.configuration()
        // Held for the copy: a hub started meanwhile would write rows the copy misses.
        let lock: DaemonLock
        do {
            lock = try DaemonLock(dataDir: configuration.dataDir, asDaemon: false)
        } catch let busy as DaemonLock.Busy {
            throw CLIFailure.hub("\(busy): stop it first (SIGTERM), then migrate")
        }
        defer { lock.release() }
        let database = try PostgresStoreConfiguration(url: to, password: try password())
        var logger = Logger(label: "shuniu.migrate-store")
        logger.logLevel = .warning

        let source = try HubStore(directory: configuration.dataDir, create: false, auditKeyFile: configuration.auditKeyFile)
        defer { try? source.close() }
        let before = try await source.verifyAudit()
        guard before.intact else {
            throw CLIFailure("the SQLite store's audit chain is not intact; nothing was copied:\n\(AuditCommand.Verify.describe(before))")
        }
        let sourceHead = try await source.auditEntries(limit: 1).first?.hash

        let copied: PostgresStoreImport.Report
        do {
            copied = try await PostgresStoreImport.copy(from: source, into: database, logger: logger)
        } catch let refusal as PostgresStoreImport.Refusal {
            throw CLIFailure("migrate-store: \(refusal.message)")
        } catch let error as StoreError {
            throw CLIFailure("migrate-store: \(error.message)")
        }

        // The hub's own opening, with the key file the SQLite store's chain is keyed with.
        let target = try await PostgresStore.open(database, auditKeyFile: source.auditKeyFile, logger: logger)
        let verification: Verification
        do {
            verification = try await Self.verify(target, against: source, sourceAudit: before, sourceHead: sourceHead)
            if verification.problems.isEmpty {
                let detail = JSONText.object([
                    "from": source.path, "tables": String(copied.tables.count), "rows": String(copied.rows), "auditEntries": String(before.entries),
                ])
                try await target.appendAudit(
                    AuditEvent(actorKind: .operator, actor: operatorOption.resolved, action: "store.migrate", subject: database.description, detail: detail)
                )
            }
        } catch {
            await target.shutDown()
            throw error
        }
        await target.shutDown()

        let summary = Summary(source: source.path, copy: copied, verification: verification)
        if output.json {
            try Output.json(summary)
        } else {
            print(summary.lines.joined(separator: "\n"))
        }
        if !verification.problems.isEmpty {
            throw CLIFailure("the copy in \(database.description) does not match the SQLite store (see above): do not serve from it; migrate again into a new, empty database")
        }
    }

    /// `--password-file`'s first line, else the environment's, read as the configuration's
    /// `storage.postgres.passwordFile` is; nil when neither is set.
    private func password() throws -> String? {
        do {
            return try PostgresSettings(url: to, passwordFile: passwordFile).password()
        } catch let error as PostgresSettingsError {
            throw CLIFailure(error.description.replacingOccurrences(of: "storage.postgres.passwordFile", with: "--password-file"))
        }
    }

    // MARK: Verifying the copy

    /// The copy as the hub will read it, through the ports: its audit chain and what `shuniu status` counts.
    struct Verification: Encodable {
        var audit: AuditChainReport
        var auditEntries: Int
        var lastHash: String?
        /// What differs from the SQLite store; empty when the copy is whole.
        var problems: [String]
    }

    static func verify(
        _ target: any StoreEngine, against source: any StoreEngine, sourceAudit: AuditChainReport, sourceHead: String?
    ) async throws -> Verification {
        let audit = try await target.verifyAudit()
        let head = try await target.auditEntries(limit: 1).first?.hash
        var problems: [String] = []
        if !audit.intact { problems.append("the audit chain on PostgreSQL is not intact:\n\(AuditCommand.Verify.describe(audit))") }
        if audit.entries != sourceAudit.entries {
            problems.append("the audit chain has \(audit.entries) entries on PostgreSQL, \(sourceAudit.entries) in the SQLite store")
        }
        if head != sourceHead {
            problems.append("the audit chain's last hash is \(head ?? "none") on PostgreSQL, \(sourceHead ?? "none") in the SQLite store")
        }
        let (copied, original) = (try await target.status(), try await source.status())
        for (name, there, here) in [
            ("records", copied.records, original.records), ("versions", copied.versions, original.versions),
            ("platforms", copied.platforms.count, original.platforms.count), ("consumers", copied.consumers.count, original.consumers.count),
            ("audit entries", copied.auditEntries, original.auditEntries),
            ("open disputes", copied.openDisputes.values.reduce(0, +), original.openDisputes.values.reduce(0, +)),
        ] where there != here {
            problems.append("shuniu status counts \(there) \(name) on PostgreSQL, \(here) in the SQLite store")
        }
        if Set(copied.holdings) != Set(original.holdings) {
            problems.append("shuniu status lists other records and versions per dataset and platform on PostgreSQL than in the SQLite store")
        }
        return Verification(audit: audit, auditEntries: audit.entries, lastHash: head, problems: problems)
    }

    /// What the command prints.
    struct Summary: Encodable {
        var source: String
        var copy: PostgresStoreImport.Report
        var verification: Verification

        var lines: [String] {
            var lines = ["copied \(source) into \(copy.database): \(copy.rows) rows in \(copy.tables.count) tables"]
            lines += copy.tables.map { "  \($0.name): \($0.rows)" }
            if !copy.rebuilt.isEmpty {
                lines.append("rebuilt by the database from the copied rows, equal to the store's: \(copy.rebuilt.joined(separator: ", "))")
            }
            if verification.problems.isEmpty {
                lines.append(
                    "audit intact on PostgreSQL: \(verification.auditEntries) entries, last hash \(verification.lastHash ?? "none"), as in the SQLite store"
                )
                lines.append("next: set storage.engine: postgres and storage.postgres.url (password in storage.postgres.passwordFile), then start the hub")
            } else {
                lines += verification.problems.map { "MISMATCH: \($0)" }
            }
            return lines
        }
    }
}
