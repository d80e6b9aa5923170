import ArgumentParser
import Foundation
import ShuniuCore

/// `shuniu queues`: each destination's backlog, from counters (fast with millions queued).
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues",
        abstract: "Per destination: pending, in flight, retrying, dead, oldest pending age, last success and error, deliveries per minute."
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Redraw every two seconds until interrupted.")
    var watch = false

    @Option(name: .long, help: "List the oldest waiting deliveries of this destination, each with its last error.")
    var items: String?

    func run() async throws {
        if let items { return try await showItems(of: items) }
        let configured = try hub.configuration().destinations.map(\.name)
        let store = try await hub.openStore()
        defer { try? store.close() }
        // Configured destinations first, then any that still have history but left the configuration.
        let names = configured + (try await store.queuedDestinations()).filter { !configured.contains($0) }
        repeat {
            let stats = try await store.queueStats(destinations: names)
            if output.json {
                try Output.json(stats)
            } else {
                // The screen is cleared on a terminal only; piped, each sample follows the last.
                if watch && isatty(STDOUT_FILENO) == 1 { print("\u{1B}[2J\u{1B}[H", terminator: "") }
                print(QueuesCommand.render(stats))
            }
            // Piped output is block-buffered: each sample is pushed out as it is taken.
            if watch { fflush(nil) }
            if watch { try await Task.sleep(for: .seconds(2)) }
        } while watch
    }

    /// "Why is this still queued?": the oldest waiting items of one destination.
    private func showItems(of destination: String) async throws {
        let store = try await hub.openStore()
        defer { try? store.close() }
        let waiting = try await store.waitingDeliveries(destination: destination)
        if output.json { return try Output.json(waiting) }
        if waiting.isEmpty { return print("nothing waiting for \(destination)") }
        print(Output.table(
            ["ID", "STATE", "DATASET", "KEY", "VERSION", "ATTEMPTS", "ENQUEUED", "NEXT ATTEMPT", "LAST ERROR"],
            waiting.map { [String($0.id), $0.state.rawValue, $0.dataset, $0.key, String($0.version), String($0.attempts),
                           Output.time($0.enqueuedAt), Output.time($0.nextAttemptAt), $0.lastError ?? "-"] }
        ))
    }

    static func render(_ stats: [QueueStats]) -> String {
        if stats.isEmpty { return "no destinations configured (see destinations: in the configuration file)" }
        return Output.table(
            ["DESTINATION", "STATE", "PENDING", "IN FLIGHT", "RETRYING", "DEAD", "OLDEST", "PER MIN", "LAST SUCCESS", "LAST ERROR"],
            stats.map { queue in
                let state = queue.paused ? "paused" : queue.circuitOpenUntil != nil ? "circuit open" : "running"
                return [queue.destination, state, String(queue.pending), String(queue.inFlight), String(queue.retrying), String(queue.dead),
                        queue.oldestPendingSeconds.map(Output.age) ?? "-", String(queue.deliveriesLastMinute),
                        Output.time(queue.lastSuccessAt), queue.lastError.map { String($0.prefix(60)) } ?? "-"]
            }
        )
    }
}
