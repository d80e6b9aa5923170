import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec
import ShuniuStore

/// `shuniu replay`: send history to a destination again, on purpose (audited).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-enqueue record versions received since a time for one destination.",
        discussion: "Routes apply to new versions only; replay is how history reaches a new or changed destination. Upstreams drop repeats by their idempotency key."
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var operatorOption: OperatorOption

    @Option(name: .long, help: "The destination's name.") var destination: String
    @Option(name: .long, help: "Versions received at or after: 2026-11-01, 2026-11-01T08:00, 7d.") var since: String
    @Option(name: .customLong("class"), help: "Only this dataset (data class).") var dataset: String?
    @Option(name: .long, help: "Only records from this platform.") var platform: String?

    func validate() throws {
        guard TimeArgument.parse(since) != nil else { throw ValidationError("--since: '\(since)' is not a time such as 2026-11-01, 2026-11-01T08:00 or 7d") }
        if let platform, PlatformID(rawValue: platform) == nil { throw ValidationError("--platform: '\(platform)' is not a platform code") }
    }

    func run() async throws {
        let configuration = try hub.configuration()
        let names = configuration.destinations.map(\.name)
        guard names.contains(destination) else {
            throw CLIFailure.notFound("no destination '\(destination)' is configured (configured: \(names.joined(separator: ", ")))")
        }
        let store = try hub.openStore()
        defer { try? store.close() }
        let selection = ReplaySelection(
            destination: destination, since: TimeArgument.parse(since)!, dataset: dataset.map { DatasetID(rawValue: $0) },
            platform: platform.flatMap(PlatformID.init(rawValue:)),
            notShared: try SpecLoader.load(directory: configuration.specDir).datasets.values.filter { $0.sharing == .none }.map(\.dataset)
        )
        let count = try await store.replay(selection, by: operatorOption.resolved)
        print("queued \(count) version(s) for \(destination)")
    }
}
