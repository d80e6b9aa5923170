import ArgumentParser
import Foundation
import ShuniuCore
import ShuniuSpec

/// `shuniu replay`: send history to a destination again, on purpose (audited).
struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Re-enqueue record versions received since a time for one destination.",
        discussion: """
            Routes apply to new versions as they arrive; replay is how history reaches a new or changed destination. \
            Only versions the destination's routes would send are queued (the others are counted as skipped), and \
            withdrawals of records the destination has, unless --all-datasets is given. Upstreams drop repeats by their idempotency key. 不予共享 datasets are never sent.
            """
    )

    @OptionGroup var hub: HubOptions
    @OptionGroup var operatorOption: OperatorOption

    @Option(name: .long, help: "The destination's name.") var destination: String
    @Option(name: .long, help: "Versions received at or after: 2026-11-01, 2026-11-01T08:00 (Beijing time), …Z, 7d.") var since: String
    @Option(name: .long, help: "Only this dataset, e.g. 500 (formerly --class).") var dataset: String?
    @Option(name: .long, help: "Only records from this platform.") var platform: String?
    @Flag(name: .customLong("all-datasets"), help: "Ignore the destination's routes: send every selected version.") var allDatasets = false

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
        let spec = try SpecLoader.load(directory: configuration.specDir)
        let store = try await hub.openStore()
        defer { try? store.close() }
        let selection = ReplaySelection(
            destination: destination, since: TimeArgument.parse(since)!, dataset: dataset.map { DatasetID(rawValue: $0) },
            platform: platform.flatMap(PlatformID.init(rawValue:)),
            notShared: spec.datasets.values.filter { $0.sharing == .none }.map(\.dataset)
        )
        let routes = configuration.routing.routes.filter { $0.destination == destination }
        let outcome = try await store.replay(
            selection, routed: allDatasets ? nil : Self.routeCheck(routes, spec: spec), by: operatorOption.resolved
        )
        var line = "queued \(outcome.queued) version(s) for \(destination)"
        if outcome.withdrawalsFollowingOriginals > 0 {
            line += " (\(outcome.withdrawalsFollowingOriginals) of them withdrawals following their originals there)"
        }
        if !allDatasets {
            line += routes.isEmpty
                ? "; no route sends anything there, so \(outcome.skippedByRoutes) skipped (--all-datasets sends them anyway)"
                : "; \(outcome.skippedByRoutes) skipped by its routes (--all-datasets sends them anyway)"
        }
        print(line)
    }

    /// True for a version one of `routes` would send: the same facts ingest routes on, the
    /// industry read from the version's normalized fields when a route filters on it.
    static func routeCheck(_ routes: [Route], spec: DataSpec) -> @Sendable (ReplayCandidate) -> Bool {
        let industryFields = spec.datasets.compactMapValues(\.industryField)
        let needsIndustry = routes.contains { $0.industryPrefixes != nil }
        return { candidate in
            var industry: String?
            if needsIndustry, let field = industryFields[candidate.dataset],
               let fields = try? JSONSerialization.jsonObject(with: Data(candidate.normalizedPayload.utf8)) as? [String: Any] {
                industry = fields[field] as? String
            }
            let facts = RoutingFacts(dataset: candidate.dataset, platform: candidate.platform, regionCode: candidate.regionCode, industryCode: industry)
            return routes.contains { $0.matches(facts) }
        }
    }
}
