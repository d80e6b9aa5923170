import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuStore

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

        func run() async throws {
            let store = try hub.openStore()
            defer { try? store.close() }
            let entries = try await store.auditEntries(limit: limit, action: action)
            if output.json { return try Output.json(entries) }
            print(Output.table(
                ["ID", "AT", "ACTOR", "ACTION", "OUTCOME", "SUBJECT", "ADDRESS"],
                entries.map { [String($0.id), Output.time($0.at), "\($0.actorKind.rawValue):\($0.actor)", $0.action, $0.outcome, $0.subject ?? "-", $0.address ?? "-"] }
            ))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute the hash chain; exit 1 if an entry was changed or removed.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let store = try hub.openStore()
            defer { try? store.close() }
            let report = try await store.verifyAuditChain()
            if output.json {
                try Output.json(report)
            } else if let broken = report.firstBrokenID {
                print("audit chain BROKEN at entry \(broken) (\(report.entries) entries checked)")
            } else {
                print("audit chain intact: \(report.entries) entries")
            }
            if !report.intact { throw ExitCode(1) }
        }
    }
}
