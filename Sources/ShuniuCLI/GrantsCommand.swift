import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec

/// `shuniu grants`: grants (共享授权) that open conditionally shared datasets, and personal data,
/// to one consumer for a stated purpose until an expiry.
struct GrantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants",
        abstract: "Add, list and revoke grants: one dataset to one consumer, for a purpose (使用用途), until an expiry.",
        subcommands: [Add.self, List.self, Revoke.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a grant in your name; it takes effect on the consumer's next read.",
            discussion: "A 有条件共享 dataset needs a grant to be read at all; --personal-data also shows its personal fields (ID numbers, telephones) unmasked, --government its 政务公开 fields (the spec's 公开范围), for any dataset. 不予共享 datasets are never granted."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "The consumer's id.") var consumer: String
        @Option(name: .long, help: "The dataset number, e.g. 507.") var dataset: String
        @Option(name: .long, help: "使用用途: what the consumer reads it for, as it stated.") var purpose: String
        @Option(name: .long, help: "Last day in force (yyyy-MM-dd, through that day, Beijing time) or a time (yyyy-MM-ddTHH:mm).") var until: String
        @Flag(name: .customLong("personal-data"), help: "Show the dataset's personal fields unmasked.") var personalData = false
        @Flag(name: .long, help: "Show the dataset's 政务公开 fields (government use); without it only 社会公开 fields are shown.") var government = false

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let datasetID = DatasetID(dataset)
            guard let datasetSpec = spec.dataset(datasetID) else { throw CLIFailure.notFound("dataset \(dataset) is not in the spec") }
            guard datasetSpec.sharing != .none else {
                throw CLIFailure("dataset \(dataset) (\(datasetSpec.label)) is 不予共享: it never leaves the hub and cannot be granted")
            }
            guard datasetSpec.sharing == .conditional || personalData || government else {
                throw CLIFailure("dataset \(dataset) (\(datasetSpec.label)) is 无条件共享: every consumer reads it already; a grant is needed only for its personal data (--personal-data) or its 政务公开 fields (--government)")
            }
            let trimmedPurpose = purpose.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmedPurpose.isEmpty else { throw ValidationError("--purpose must state what the data is used for (使用用途)") }
            let now = Date()
            guard let expiry = Self.expiry(until), expiry > now else {
                throw ValidationError("--until must be a future day yyyy-MM-dd or time yyyy-MM-ddTHH:mm, got '\(until)'")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            let grant: DataGrant
            do {
                grant = try await store.addGrant(DataGrant(
                    consumer: consumer, dataset: datasetID, purpose: trimmedPurpose, personalData: personalData,
                    approvedBy: operatorOption.resolved, grantedAt: now, expiresAt: expiry, government: government
                ))
            } catch let error as StoreError where error.code == .consumerNotFound {
                throw CLIFailure(error.message)
            }
            if output.json { return try Output.json(grant) }
            print("grant #\(grant.id): \(consumer) may read \(dataset) (\(datasetSpec.label))\(personalData ? " with personal data" : "")\(government ? " with 政务公开 fields" : "") for \"\(grant.purpose)\" until \(Output.time(grant.expiresAt)), approved by \(grant.approvedBy)")
        }

        /// A bare day means through that day.
        static func expiry(_ text: String) -> Date? {
            guard let start = TimeArgument.parse(text), !text.hasSuffix("s"), !text.hasSuffix("m"), !text.hasSuffix("h"), !text.hasSuffix("d") else { return nil }
            return text.count == 10 ? start.addingTimeInterval(86_400) : start
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List grants, newest first: in force, expired and revoked.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "Only this consumer's.") var consumer: String?

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let grants = try await store.grants(consumer: consumer)
            if output.json { return try Output.json(grants) }
            if grants.isEmpty { return print("no grants; add one with `shuniu grants add`") }
            let now = Date()
            print(Output.table(
                ["ID", "CONSUMER", "DATASET", "PERSONAL", "政务", "STATE", "UNTIL", "APPROVED BY", "PURPOSE"],
                grants.map { grant in
                    let state = grant.revokedAt != nil ? "revoked by \(grant.revokedBy ?? "?")" : grant.isInForce(at: now) ? "in force" : "expired"
                    return ["\(grant.id)", grant.consumer, grant.dataset.rawValue, grant.personalData ? "yes" : "no", grant.government ? "yes" : "no", state,
                            Output.time(grant.expiresAt), grant.approvedBy, grant.purpose]
                }
            ))
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a grant; the consumer's next read no longer has it. The grant's row stays.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The grant's number (shuniu grants list).") var id: Int64
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            do {
                let grant = try await store.revokeGrant(id, by: operatorOption.resolved, reason: reason)
                print("grant #\(grant.id) (\(grant.consumer), \(grant.dataset)) is revoked")
            } catch let error as StoreError where error.code == .grantNotFound {
                throw CLIFailure(error.message)
            }
        }
    }
}
