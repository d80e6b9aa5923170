import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSharing
import ShuniuSpec

/// `shuniu records show DATASET KEY`: one record as the hub holds it — its versions and their
/// provenance, where each went and how that ended, its open disputes and its withdrawals.
struct RecordsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "records",
        abstract: "Look up one record: versions, deliveries per destination, disputes, withdrawals.",
        subcommands: [Show.self]
    )

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One record's versions, where each was delivered, its open disputes and withdrawals; personal fields masked unless asked for (audited)."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The dataset, e.g. 302.") var dataset: String
        @Argument(help: "The business key; a composite key joins its fields with |.") var key: String
        @Flag(name: .customLong("personal-data"), help: "Show personal fields unmasked; the read is audited as record.read.") var personalData = false

        func run() async throws {
            let configuration = try hub.configuration()
            let spec = try SpecLoader.load(directory: configuration.specDir)
            let id = DatasetID(dataset)
            guard let datasetSpec = spec.dataset(id) else {
                throw CLIFailure.notFound("no dataset \(dataset) in spec \(spec.version) (known: \(spec.datasets.keys.sorted().map(\.rawValue).joined(separator: ", ")))")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            if let scalar = TextCharacters.forbiddenInCode(key) {
                throw CLIFailure("the key holds \(TextCharacters.name(scalar)); keys hold no control, format or separator character")
            }
            let versions = try await store.versions(dataset: id, key: key)
            guard let latest = versions.last else { throw CLIFailure.notFound("the hub has no record \(dataset) \(key)") }
            let deliveries = try await store.deliveries(ofRecord: latest.hubId)
            let disputes = try await store.openDisputes(records: [latest.hubId])[latest.hubId] ?? []
            let withdrawals = try await store.withdrawals(records: [latest.hubId])[latest.hubId] ?? []
            let mask = PersonalDataMask(spec: spec)
            let data = personalData ? latest.normalizedPayload : mask.mask(latest.normalizedPayload, of: id)?.payload ?? latest.normalizedPayload
            let extra = latest.extra.map { kept in personalData ? kept : mask.maskUnknownFields(kept)?.payload ?? kept }
            if personalData {
                try await store.appendAudit(AuditEvent(
                    actorKind: .operator, actor: operatorOption.resolved, action: "record.read", outcome: "ok", subject: "\(dataset)/\(key)",
                    detail: #"{"personalData":true}"#
                ))
            }
            let view = RecordView(dataset: dataset, label: datasetSpec.label, key: key, owner: latest.sourcePlatform,
                                  versions: versions.map(RecordView.Version.init), deliveries: deliveries,
                                  openDisputes: disputes.map { .init(id: $0.id, field: $0.field, reason: $0.reason, version: $0.version, raisedBy: $0.raisedBy) },
                                  withdrawnBy: withdrawals.map { .init(dataset: $0.dataset.rawValue, key: $0.key, version: $0.version, at: $0.at) },
                                  latestData: data, latestExtra: extra,
                                  personalDataMasked: !personalData && (data != latest.normalizedPayload || extra != latest.extra))
            if output.json { return try Output.json(view) }
            print(view.text)
        }
    }
}

/// `shuniu records show` as JSON, and as text.
struct RecordView: Encodable {
    struct Version: Encodable {
        var version: Int
        var sequence: Int64
        var receivedAt: Date
        var contentHash: String
        var specVersion: String
        var mappingVersion: String?
        var sourcePath: String?
        var signed: Bool
        /// insert, update or delete (a tombstone); the sender's record id when it gave one.
        var operation: String
        var dataKey: String?
        /// The warnings it was accepted with (missed deadlines, listed participants).
        var flags: [Problem]

        init(_ stored: StoredVersion) {
            version = stored.version
            sequence = stored.sequence
            receivedAt = stored.receivedAt
            contentHash = stored.contentHash
            specVersion = stored.specVersion
            mappingVersion = stored.mappingVersion
            sourcePath = stored.sourcePath
            signed = stored.signature != nil
            operation = stored.operation.rawValue
            dataKey = stored.dataKey
            flags = stored.flags.flatMap { try? JSONDecoder().decode([Problem].self, from: Data($0.utf8)) } ?? []
        }
    }

    struct OpenDispute: Encodable {
        var id: Int64
        var field: String
        var reason: String
        var version: Int
        var raisedBy: String
    }

    struct WithdrawnBy: Encodable {
        var dataset: String
        var key: String
        var version: Int
        var at: Date
    }

    var dataset: String
    var label: String
    var key: String
    var owner: String
    var versions: [Version]
    var deliveries: [RecordDelivery]
    var openDisputes: [OpenDispute]
    var withdrawnBy: [WithdrawnBy]
    var latestData: String
    /// The fields its dataset does not define that the latest version kept; nil when none.
    var latestExtra: String?
    var personalDataMasked: Bool

    var text: String {
        var lines = ["\(dataset) \(label) \(key) — from \(owner), \(versions.count) version(s)"]
        for withdrawal in withdrawnBy {
            lines.append("WITHDRAWN by \(withdrawal.dataset) \(withdrawal.key) version \(withdrawal.version) at \(Output.time(withdrawal.at)); the versions below are kept")
        }
        if let last = versions.last, last.operation == RecordOperation.delete.rawValue {
            lines.append("DELETED by its source in version \(last.version); the versions below are kept")
        }
        if let dataKey = versions.last?.dataKey { lines.append("DATA_KEY \(dataKey)") }
        lines.append("")
        lines.append(Output.table(["VERSION", "OPERATION", "SEQUENCE", "RECEIVED", "SPEC", "MAPPING", "SIGNED", "HASH"], versions.map {
            [String($0.version), $0.operation, String($0.sequence), Output.time($0.receivedAt), $0.specVersion,
             $0.mappingVersion ?? "-", $0.signed ? "yes" : "-", String($0.contentHash.prefix(16))]
        }))
        for version in versions {
            for flag in version.flags { lines.append("version \(version.version) flagged \(flag.code.rawValue): \(flag.message)") }
        }
        lines.append("")
        if deliveries.isEmpty {
            lines.append("deliveries: none (no route selected it)")
        } else {
            lines.append(Output.table(["DESTINATION", "VERSION", "STATE", "ATTEMPTS", "LAST ATTEMPT", "DELIVERED", "LAST ERROR"], deliveries.map {
                [$0.destination, String($0.version), $0.state, String($0.attempts), Output.time($0.lastAttemptAt), Output.time($0.deliveredAt),
                 String(($0.lastError ?? "-").prefix(60))]
            }))
        }
        for dispute in openDisputes {
            lines.append("open dispute #\(dispute.id) on \(dispute.field) (version \(dispute.version), by \(dispute.raisedBy)): \(dispute.reason)")
        }
        lines.append("")
        lines.append("latest data\(personalDataMasked ? " (personal fields masked; --personal-data shows them, audited)" : ""):")
        lines.append(latestData)
        if let latestExtra { lines.append("kept fields the dataset does not define (extra): " + latestExtra) }
        return lines.joined(separator: "\n")
    }
}
