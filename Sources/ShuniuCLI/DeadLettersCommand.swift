import ArgumentParser
import Foundation
import ShuniuCore

/// `shuniu dead-letters`: deliveries an upstream refused or that ran out of retries.
struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dead-letters",
        abstract: "List, show, retry and discard dead letters, with the upstream's own answer.",
        subcommands: [List.self, Show.self, Retry.self, Discard.self]
    )

    /// Filters shared by list, retry and discard.
    struct Filters: ParsableArguments {
        @Option(name: .long, help: "Only this destination.") var destination: String?
        @Option(name: .long, help: "Only this dataset, e.g. 300 (formerly --class).") var dataset: String?
        @Option(name: .long, help: "Only records from this platform.") var platform: String?
        @Option(name: .long, help: "Last attempt at or after: 2026-11-22, 2026-11-22T08:30, 2h, 7d.") var since: String?
        @Option(name: .long, help: "Last attempt before (same forms).") var until: String?
        @Option(name: .long, help: "Text in the last error or the upstream's answer.") var error: String?

        func validate() throws {
            if let since, TimeArgument.parse(since) == nil { throw ValidationError("--since: '\(since)' is not a time such as 2026-11-22, 2026-11-22T08:30 or 2h") }
            if let until, TimeArgument.parse(until) == nil { throw ValidationError("--until: '\(until)' is not a time such as 2026-11-22, 2026-11-22T08:30 or 2h") }
            if let platform, PlatformID(rawValue: platform) == nil { throw ValidationError("--platform: '\(platform)' is not a platform code") }
        }

        var filter: DeadLetterFilter {
            DeadLetterFilter(
                destination: destination, dataset: dataset.map { DatasetID(rawValue: $0) }, platform: platform.flatMap(PlatformID.init(rawValue:)),
                since: since.flatMap { TimeArgument.parse($0) }, until: until.flatMap { TimeArgument.parse($0) }, errorContains: error
            )
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Dead letters, oldest first.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var filters: Filters
        @OptionGroup var output: OutputOptions
        @Option(name: .long, help: "How many at most.") var limit = 100

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let letters = try await store.deadLetters(filters.filter, limit: limit)
            if output.json { return try Output.json(letters) }
            if letters.isEmpty { return print("no dead letters") }
            print(Output.table(
                ["ID", "DESTINATION", "DATASET", "KEY", "VERSION", "PLATFORM", "ATTEMPTS", "STATUS", "LAST ATTEMPT", "ERROR"],
                letters.map { [String($0.id), $0.destination, $0.dataset, $0.key, String($0.version), $0.sourcePlatform, String($0.attempts),
                               $0.lastStatus.map(String.init) ?? "-", Output.time($0.lastAttemptAt), String(($0.lastError ?? "-").prefix(60))] }
            ))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One dead letter with the upstream's full answer.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions
        @Argument(help: "The dead letter's id.") var id: Int64

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            guard let letter = try await store.deadLetter(id: id) else { throw CLIFailure.notFound("no dead letter \(id)") }
            if output.json { return try Output.json(letter) }
            print("""
                id:              \(letter.id)
                destination:     \(letter.destination)
                record:          \(letter.dataset) \(letter.key) version \(letter.version) from \(letter.sourcePlatform)
                attempts:        \(letter.attempts), last \(Output.time(letter.lastAttemptAt))
                enqueued:        \(Output.time(letter.enqueuedAt))
                upstream status: \(letter.lastStatus.map(String.init) ?? "none (no answer)")
                error:           \(letter.lastError ?? "-")
                upstream answer:
                \(letter.upstreamResponse ?? "(none)")
                """)
        }
    }

    /// Which dead letters retry and discard act on, and who acts.
    struct Selection: ParsableArguments {
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @OptionGroup var filters: Filters
        @Argument(help: "Dead letter ids; none with --all-matching takes every one the filters match.") var ids: [Int64] = []
        @Flag(name: .customLong("all-matching"), help: "Act on every dead letter the filters match.") var allMatching = false

        func validate() throws {
            if ids.isEmpty != allMatching { throw ValidationError("give dead letter ids, or --all-matching with filters") }
        }

        /// The ids to act on, or nil for all the filters match.
        var chosenIDs: [Int64]? { allMatching ? nil : ids }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Queue dead letters again with a fresh retry schedule (audited).")
        @OptionGroup var selection: Selection

        func run() async throws {
            let store = try await selection.hub.openStore()
            defer { try? store.close() }
            let count = try await store.retryDeadLetters(ids: selection.chosenIDs, matching: selection.filters.filter, by: selection.operatorOption.resolved)
            print("queued \(count) dead letter(s) again")
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give up on dead letters; they stay in history (audited).")
        @OptionGroup var selection: Selection
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            let store = try await selection.hub.openStore()
            defer { try? store.close() }
            let count = try await store.discardDeadLetters(
                ids: selection.chosenIDs, matching: selection.filters.filter, by: selection.operatorOption.resolved, reason: reason
            )
            print("discarded \(count) dead letter(s)")
        }
    }
}
