import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuSpec
import ShuniuCore

/// `shuniu status`: what the hub holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Whether the hub runs (pid, version, uptime), the store's engine and the instances seen in the last minute; records by dataset and platform, last ingest per platform, consumers' last reads, open disputes, store size."
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let process = HubProcessView(dataDir: try hub.configuration().dataDir)
        let store = try await hub.openStore()
        defer { try? store.close() }
        let status = try await store.status()
        let spec = try SpecLoader.load(directory: hub.configuration().specDir)
        let overdue = try await WithdrawalDeadlines(spec: spec, store: store).overdue()
        // Instances report every 15 s: one silent for a minute is stopped or cut off.
        let instances = try await store.instances(seenSince: Date().addingTimeInterval(-60))
        if output.json {
            struct StatusView: Encodable {
                var hub: HubProcessView
                /// The configuration this command read (the daemon's, when it was started alike).
                var configuration: String
                var status: HubStatus
                var overdueWithdrawals: [OverdueWithdrawals]
                /// The instances that reported themselves in the last minute.
                var instances: [HubInstance]
            }
            return try Output.json(StatusView(
                hub: process, configuration: hub.source.description, status: status, overdueWithdrawals: overdue, instances: instances
            ))
        }
        print(process.line)
        print("configuration: \(hub.source)")
        print("store: \(status.engine) \(status.location) (\(Output.bytes(status.storeBytes)))")
        print("instances seen in the last minute: " + (instances.isEmpty ? "none" : instances.map { instance in
            "\(instance.name) (\(instance.version), up since \(Output.time(instance.startedAt)), seen \(Output.time(instance.seenAt)))"
        }.joined(separator: "; ")))
        print("records: \(status.records), versions: \(status.versions), audit entries: \(status.auditEntries)")
        print("")
        if status.holdings.isEmpty {
            print("no records yet")
        } else {
            print(Output.table(
                ["DATASET", "PLATFORM", "RECORDS", "VERSIONS"],
                status.holdings.map { [$0.dataset, $0.platform, String($0.records), String($0.versions)] }
            ))
        }
        print("")
        if status.platforms.isEmpty {
            print("no platforms registered")
        } else {
            print(Output.table(
                ["PLATFORM", "STATUS", "CERTIFIED UNTIL", "LAST INGEST", "NAME"],
                status.platforms.map { [$0.id, $0.status, $0.certifiedUntil, Output.time($0.lastIngestAt), $0.name] }
            ))
        }
        if !status.consumers.isEmpty {
            print("")
            print(Output.table(
                ["CONSUMER", "STATUS", "LAST READ", "NAME"],
                status.consumers.map { [$0.id, $0.status, Output.time($0.lastReadAt), $0.name] }
            ))
        }
        if !status.openDisputes.isEmpty {
            let byPlatform = status.openDisputes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            print("\nopen disputes: \(byPlatform) (shuniu disputes --platform ID)")
        }
        for late in overdue {
            print("\nwithdrawals overdue at \(late.destination): \(late.count), waiting since \(Output.time(late.oldestEnqueuedAt)) (shuniu queues --items \(late.destination))")
        }
    }
}
