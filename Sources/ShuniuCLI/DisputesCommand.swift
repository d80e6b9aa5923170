import ArgumentParser
import Foundation
import ShuniuCore

/// `shuniu disputes`: doubts raised by consumers about records (疑义校核), for the source
/// platforms' operators. A version from the platform that changes the field closes a dispute by itself;
/// `resolve` closes one with a reasoned rejection.
struct DisputesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disputes",
        abstract: "List and answer disputes (疑义校核) raised about records.",
        subcommands: [List.self, Show.self, Resolve.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List disputes, newest first (open ones unless --status says otherwise).")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "Only those about this platform's records.") var platform: String?
        @Option(name: .long, help: "open (default), corrected, rejected or all.") var status: String = "open"

        func run() async throws {
            let wanted: DisputeStatus?
            if status == "all" { wanted = nil } else {
                guard let parsed = DisputeStatus(rawValue: status) else { throw ValidationError("--status must be open, corrected, rejected or all") }
                wanted = parsed
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            let disputes = try await store.disputes(platform: platform, status: wanted)
            if output.json { return try Output.json(disputes) }
            if disputes.isEmpty { return print("no \(status == "all" ? "" : status + " ")disputes\(platform.map { " about platform \($0)'s records" } ?? "")") }
            print(Output.table(
                ["ID", "STATUS", "PLATFORM", "RECORD", "VERSION", "FIELD", "RAISED BY", "RAISED", "REASON"],
                disputes.map { dispute in
                    ["\(dispute.id)", dispute.status.rawValue, dispute.platform, "\(dispute.dataset) \(dispute.key)", "\(dispute.version)",
                     dispute.field + (dispute.fieldLabel.map { " \($0)" } ?? ""), dispute.raisedBy, Output.time(dispute.raisedAt), dispute.reason]
                }
            ))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one dispute and how it was closed.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The dispute's number.") var id: Int64

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard let dispute = try await store.dispute(id) else { throw CLIFailure.notFound("no dispute \(id)") }
            if output.json { return try Output.json(dispute) }
            print("""
                dispute:   #\(dispute.id) (\(dispute.status.rawValue))
                record:    \(dispute.dataset) \(dispute.key), version \(dispute.version), platform \(dispute.platform)
                field:     \(dispute.field)\(dispute.fieldLabel.map { " \($0)" } ?? "")
                reason:    \(dispute.reason)
                raised:    \(Output.time(dispute.raisedAt)) by \(dispute.raisedBy)
                """)
            if dispute.status != .open {
                print("closed:    \(Output.time(dispute.resolvedAt)) by \(dispute.resolvedBy ?? "?"): \(dispute.resolution ?? "")")
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close an open dispute by rejecting it, with the reason: the record stands as it is.",
            discussion: "A dispute the platform agrees with is closed by its next version that changes the disputed field, which the hub links to the dispute when it arrives."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The dispute's number.") var id: Int64
        @Option(name: .long, help: "Why the record is right as it is (kept with the dispute and in the audit log).") var reason: String

        func run() async throws {
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !reason.isEmpty else { throw ValidationError("--reason must say why the record stands") }
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let dispute = try await store.rejectDispute(id, by: operatorOption.resolved, reason: reason)
                print("dispute #\(dispute.id) on \(dispute.dataset) \(dispute.key) is rejected: \(reason)")
            } catch let error as StoreError where [.disputeNotFound, .disputeClosed].contains(error.code) {
                throw CLIFailure(error.message)
            }
        }
    }
}
