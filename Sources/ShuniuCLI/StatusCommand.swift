import ArgumentParser
import Foundation
import ShuniuApp
import ShuniuSpec
import ShuniuStore

/// `shuniu status`: what the hub holds.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Whether the hub runs (pid, version, uptime); records by dataset and platform, last ingest per platform, consumers' last reads, open disputes, store size."
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    /// The daemon on this store, as its lock file names it.
    struct HubProcessView: Encodable {
        var running: Bool
        var pid: Int32?
        var version: String?
        var startedAt: Date?
        var uptimeSeconds: Int?
        /// The configuration file this command read (the daemon's, when it was started alike).
        var configuration: String
    }

    func run() async throws {
        let daemon = DaemonLock.holder(dataDir: try hub.configuration().dataDir)
        let process = HubProcessView(
            running: daemon != nil, pid: daemon?.pid, version: daemon?.version, startedAt: daemon?.startedAt,
            uptimeSeconds: daemon.map { max(0, Int(Date().timeIntervalSince($0.startedAt))) },
            configuration: hub.source.description
        )
        let store = try hub.openStore()
        defer { try? store.close() }
        let status = try await store.status()
        let spec = try SpecLoader.load(directory: hub.configuration().specDir)
        let overdue = try await WithdrawalDeadlines(spec: spec, store: store).overdue()
        if output.json {
            struct StatusView: Encodable { var hub: HubProcessView; var status: HubStatus; var overdueWithdrawals: [OverdueWithdrawals] }
            return try Output.json(StatusView(hub: process, status: status, overdueWithdrawals: overdue))
        }
        if let daemon, let uptime = process.uptimeSeconds {
            print("hub: running, pid \(daemon.pid), version \(daemon.version), up \(Self.duration(uptime)) (since \(Output.time(daemon.startedAt)))")
        } else {
            print("hub: not running")
        }
        print("configuration: \(hub.source)")
        print("store: \(status.storePath) (\(Output.bytes(status.storeBytes)))")
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

    /// "3d 4h 5m", "12m 3s": an uptime read at a glance.
    static func duration(_ seconds: Int) -> String {
        let days = seconds / 86_400, hours = seconds % 86_400 / 3600, minutes = seconds % 3600 / 60
        if days > 0 { return "\(days)d \(hours)h \(minutes)m" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        return "\(minutes)m \(seconds % 60)s"
    }
}
