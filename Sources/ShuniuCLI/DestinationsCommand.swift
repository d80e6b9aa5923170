import ArgumentParser
import Foundation
import ShuniuCore

/// `shuniu destinations`: the configured upstreams, and pausing them by hand.
struct DestinationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "destinations",
        abstract: "List destinations; pause and resume deliveries to one.",
        subcommands: [List.self, Pause.self, Resume.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The configured destinations and their state.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let configuration = try hub.configuration()
            let destinations = configuration.destinations
            // Without a daemon nothing is delivered, paused or not: said first.
            let process = HubProcessView(dataDir: configuration.dataDir)
            let store = try await hub.openStore()
            defer { try? store.close() }
            let stats = try await store.queueStats(destinations: destinations.map(\.name))
            if output.json {
                struct ListView: Encodable { var hub: HubProcessView; var destinations: [DestinationView] }
                return try Output.json(ListView(hub: process, destinations: zip(destinations, stats).map { DestinationView(destination: $0, stats: $1) }))
            }
            print(process.running ? process.line : "hub: not running: nothing is delivered until `shuniu serve` runs on this store")
            if destinations.isEmpty { return print("no destinations configured (see destinations: in the configuration file)") }
            print(Output.table(
                ["NAME", "KIND", "FORMAT", "MODE", "BATCH", "URL", "STATE"],
                zip(destinations, stats).map { destination, queue in
                    [destination.name, destination.kind.rawValue, destination.format ?? DestinationView.hubJSON, destination.mode.rawValue,
                     String(destination.batchSize), destination.url, Self.state(queue)]
                }
            ))
        }

        /// `running`, or `paused by ops at 2026-12-05T10:00:00+08:00: upstream maintenance`.
        static func state(_ queue: QueueStats) -> String {
            guard queue.paused else { return "running" }
            return "paused by \(queue.pausedBy ?? "?")" + (queue.pausedAt.map { " at \(Output.time($0))" } ?? "")
                + (queue.pausedReason.map { ": \($0)" } ?? " (no reason given)")
        }
    }

    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold deliveries to a destination; its queue keeps growing on disk.")
        @OptionGroup var change: PauseChange
        func run() async throws { try await change.apply(paused: true) }
    }

    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Deliver to a paused destination again.")
        @OptionGroup var change: PauseChange
        func run() async throws { try await change.apply(paused: false) }
    }

    /// What pausing and resuming share: which destination, who, and why.
    struct PauseChange: ParsableArguments {
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The destination's name.") var name: String
        @Option(name: .long, help: "Why: audited, and shown by `destinations list` while paused.") var reason: String?

        func apply(paused: Bool) async throws {
            let names = try hub.configuration().destinations.map(\.name)
            guard names.contains(name) else {
                throw CLIFailure.notFound("no destination '\(name)' is configured (configured: \(names.joined(separator: ", ")))")
            }
            let store = try await hub.openStore()
            defer { try? store.close() }
            try await store.setDestinationPaused(name, paused: paused, by: operatorOption.resolved, reason: reason)
            print("\(name) is now \(paused ? "paused" : "running")")
        }
    }
}

/// A destination as `destinations list --json` shows it: never its secret.
struct DestinationView: Encodable {
    /// How a destination without a format file is shown: the hub's own JSON.
    static let hubJSON = "(hub JSON)"

    var name: String
    var kind: String
    /// The destination mapping file its requests are made by; nil: the hub's own JSON.
    var format: String?
    var url: String
    var mode: String
    var batchSize: Int
    var concurrency: Int
    var timeoutSeconds: Int
    var retrySchedule: [Int]
    var signed: Bool
    var clientCertificate: Bool
    var paused: Bool
    var pausedBy: String?
    var pausedAt: Date?
    var pausedReason: String?

    init(destination: Destination, stats: QueueStats) {
        name = destination.name
        kind = destination.kind.rawValue
        format = destination.format
        url = destination.url
        mode = destination.mode.rawValue
        batchSize = destination.batchSize
        concurrency = destination.concurrency
        timeoutSeconds = destination.timeoutSeconds
        retrySchedule = destination.retrySchedule
        signed = destination.appKey != nil
        clientCertificate = destination.tlsCertificate != nil
        paused = stats.paused
        pausedBy = stats.pausedBy
        pausedAt = stats.pausedAt
        pausedReason = stats.pausedReason
    }
}
