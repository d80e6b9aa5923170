import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuCore

/// `shuniu audit`: read and check the append-only audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Read the audit log and check its hash chain.",
        subcommands: [List.self, Verify.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Newest audit entries first.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "How many entries.") var limit = 50
        @Option(name: .long, help: "Only this action, e.g. ingest.refused or platform.suspend.") var action: String?
        @Option(name: .long, help: "Only entries at or after this time: 2026-11-22, 2026-11-22T08:30 (Beijing time), …Z (UTC), or an age (30m, 2h, 7d).")
        var since: String?
        @Option(name: .long, help: "Only this actor: a platform code, a consumer or an operator name.") var actor: String?

        func validate() throws {
            if let since, TimeArgument.parse(since) == nil {
                throw ValidationError("--since \(since): expected 2026-11-22, 2026-11-22T08:30, …Z, or an age such as 30m, 2h, 7d")
            }
        }

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let entries = try await store.auditEntries(limit: limit, action: action, since: since.flatMap { TimeArgument.parse($0) }, actor: actor)
            if output.json { return try Output.json(entries.map(AuditEntryView.init)) }
            print(Output.table(
                ["ID", "AT", "ACTOR", "ACTION", "OUTCOME", "SUBJECT", "ADDRESS"],
                entries.map { [String($0.id), Output.time($0.at), "\($0.actorKind.rawValue):\($0.actor)", $0.action, $0.outcome, $0.subject ?? "-", $0.address ?? "-"] }
            ))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the audit chain with its key, its head against the checkpoints, and versions, owners and deliveries against the entries that made them; exit 1 on any damage.",
            discussion: """
                Each kind of damage is printed with its count and first places: chain.broken, chain.truncated, \
                chain.rewritten, chain.rekeyed, key.missing, key.mismatch, checkpoint.forged, version.unaudited, \
                version.altered, version.missing, record.owner_changed, record.latest_changed, delivery.orphaned, \
                delivery.missing. The key is read from audit.keyFile, the checkpoints from audit.checkpointFile.
                """
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let configuration = try hub.configuration()
            let store = try await hub.openStore()
            defer { try? store.close() }
            let report = try await store.verifyAudit(checkpoints: AuditCheckpointLog(path: configuration.auditCheckpointFile).checkpoints())
            if output.json {
                try Output.json(report)
            } else {
                print(Verify.describe(report))
            }
            if !report.intact { throw ExitCode(1) }
        }

        /// The report as lines: a summary, then each kind of damage and each note.
        static func describe(_ report: AuditChainReport) -> String {
            let keyed = report.keyedFrom.map { "keyed from entry \($0) with key \(report.keyId ?? "?")" } ?? "not keyed"
            var lines = [
                "audit \(report.intact ? "intact" : "DAMAGED"): \(report.entries) entries (\(keyed)), \(report.checkpoints) checkpoints, "
                    + "\(report.versions) versions, \(report.records) records, \(report.deliveries) deliveries checked",
            ]
            for damage in report.damage {
                lines.append("\(damage.kind.rawValue) \(damage.count): \(damage.examples.joined(separator: "; "))\(damage.count > damage.examples.count ? "; …" : "")")
            }
            lines += report.notes.map { "note: \($0)" }
            return lines.joined(separator: "\n")
        }
    }
}

/// An audit entry as `audit list --json` prints it: its `detail` as the JSON object it is, not a
/// string holding JSON (text that is not JSON stays a string).
struct AuditEntryView: Encodable {
    var id: Int64
    var at: Date
    var actorKind: ActorKind
    var actor: String
    var action: String
    var outcome: String
    var subject: String?
    var address: String?
    var detail: JSONValue
    var previousHash: String
    var hash: String

    init(_ entry: AuditEntry) {
        id = entry.id
        at = entry.at
        actorKind = entry.actorKind
        actor = entry.actor
        action = entry.action
        outcome = entry.outcome
        subject = entry.subject
        address = entry.address
        detail = (try? JSONReader(maxDepth: 64).read(Array(entry.detail.utf8))) ?? .string(entry.detail)
        previousHash = entry.previousHash
        hash = entry.hash
    }
}
