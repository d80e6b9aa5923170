import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuStore

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
            let destinations = try hub.configuration().destinations
            let store = try hub.openStore()
            defer { try? store.close() }
            let stats = try await store.queueStats(destinations: destinations.map(\.name))
            if output.json {
                try Output.json(zip(destinations, stats).map { DestinationView(destination: $0, stats: $1) })
                return
            }
            if destinations.isEmpty { return print("no destinations configured (see destinations: in the configuration file)") }
            print(Output.table(
                ["NAME", "KIND", "MODE", "BATCH", "STATE", "URL"],
                zip(destinations, stats).map { destination, queue in
                    [destination.name, destination.kind.rawValue, destination.mode.rawValue, String(destination.batchSize),
                     queue.paused ? "paused by \(queue.pausedBy ?? "?")" : "running", destination.url]
                }
            ))
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
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func apply(paused: Bool) async throws {
            let names = try hub.configuration().destinations.map(\.name)
            guard names.contains(name) else {
                throw CLIFailure.notFound("no destination '\(name)' is configured (configured: \(names.joined(separator: ", ")))")
            }
            let store = try hub.openStore()
            defer { try? store.close() }
            try await store.setDestinationPaused(name, paused: paused, by: operatorOption.resolved, reason: reason)
            print("\(name) is now \(paused ? "paused" : "running")")
        }
    }
}

/// A destination as `destinations list --json` shows it: never its secret.
struct DestinationView: Encodable {
    var name: String
    var kind: String
    var url: String
    var mode: String
    var batchSize: Int
    var concurrency: Int
    var timeoutSeconds: Int
    var retrySchedule: [Int]
    var signed: Bool
    var clientCertificate: Bool
    var paused: Bool

    init(destination: Destination, stats: QueueStats) {
        name = destination.name
        kind = destination.kind.rawValue
        url = destination.url
        mode = destination.mode.rawValue
        batchSize = destination.batchSize
        concurrency = destination.concurrency
        timeoutSeconds = destination.timeoutSeconds
        retrySchedule = destination.retrySchedule
        signed = destination.appKey != nil
        clientCertificate = destination.tlsCertificate != nil
        paused = stats.paused
    }
}
