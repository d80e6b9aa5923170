import ArgumentParser
import Foundation
import ShuniuConnectors
import ShuniuCore

/// `shuniu connectors`: each pull connector's endpoints — platform, last run and success,
/// cursor, records fetched, errors, next run — and resetting a cursor by hand.
struct ConnectorsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connectors",
        abstract: "List pull connectors and their state; reset a connector's cursor.",
        subcommands: [List.self, ResetCursor.self],
        defaultSubcommand: List.self
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per connector endpoint: platform, last run, last success, cursor, records fetched, errors, next run.")
        @OptionGroup var hub: HubOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            let connectors = try hub.configuration().connectors
            let store = try await hub.openStore()
            defer { try? store.close() }
            let views = ConnectorView.merge(connectors, try await store.connectorStates())
            if output.json { return try Output.json(views) }
            print(ConnectorView.render(views))
        }
    }

    struct ResetCursor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reset-cursor",
            abstract: "Forget a connector's cursor so that its next run (due at once) starts from the beginning; audited."
        )
        @OptionGroup var hub: HubOptions
        @OptionGroup var operatorOption: OperatorOption
        @Argument(help: "The connector's name.") var name: String
        @Option(name: .long, help: "Only this endpoint (default: every endpoint of the connector).") var endpoint: String?
        @Option(name: .long, help: "Why, for the audit log.") var reason: String?

        func run() async throws {
            let store = try await hub.openStore()
            defer { try? store.close() }
            let reset = try await store.resetConnectorCursor(connector: name, endpoint: endpoint, by: operatorOption.resolved, reason: reason)
            guard !reset.isEmpty else {
                throw CLIFailure.notFound("connector '\(name)'\(endpoint.map { " endpoint '\($0)'" } ?? "") has no stored state: it has never run, so there is no cursor to reset")
            }
            print("\(name): cursor reset for \(reset.joined(separator: ", ")); the next run starts from the beginning (a running hub picks it up at its next wake-up)")
        }
    }
}

/// One connector endpoint as `shuniu connectors` shows it: never a token or secret.
struct ConnectorView: Encodable {
    var connector: String
    var endpoint: String
    var platform: String
    /// False for state left by a connector no longer in the configuration.
    var configured: Bool
    var url: String?
    var paging: String?
    var status: String
    var cursor: String?
    var lastRunAt: Date?
    var lastSuccessAt: Date?
    var recordsFetched: Int
    var pagesFetched: Int
    var consecutiveFailures: Int
    var lastError: String?
    var lastErrorAt: Date?
    var nextRunAt: Date?

    /// Configured endpoints in configuration order, then stored state of any that left it.
    static func merge(_ connectors: [ConnectorConfiguration], _ states: [ConnectorState]) -> [ConnectorView] {
        var byKey = Dictionary(states.map { ("\($0.connector)/\($0.endpoint)", $0) }) { first, _ in first }
        var views: [ConnectorView] = []
        for connector in connectors {
            for endpoint in connector.endpoints {
                let state = byKey.removeValue(forKey: "\(connector.name)/\(endpoint.name)")
                var view = ConnectorView(state ?? ConnectorState(connector: connector.name, endpoint: endpoint.name, platform: connector.platform.rawValue), configured: true)
                view.platform = connector.platform.rawValue
                view.url = connector.baseURL + endpoint.path
                view.paging = connector.paging.rawValue
                if state == nil { view.status = "never run" }
                views.append(view)
            }
        }
        views += byKey.values.sorted { ($0.connector, $0.endpoint) < ($1.connector, $1.endpoint) }.map { ConnectorView($0, configured: false) }
        return views
    }

    init(_ state: ConnectorState, configured: Bool) {
        connector = state.connector
        endpoint = state.endpoint
        platform = state.platform
        self.configured = configured
        cursor = state.cursor
        lastRunAt = state.lastRunAt
        lastSuccessAt = state.lastSuccessAt
        recordsFetched = state.recordsFetched
        pagesFetched = state.pagesFetched
        consecutiveFailures = state.consecutiveFailures
        lastError = state.lastError
        lastErrorAt = state.lastErrorAt
        nextRunAt = state.nextRunAt
        status = !configured ? "not configured" : state.consecutiveFailures > 0 ? "failing" : "ok"
    }

    static func render(_ views: [ConnectorView]) -> String {
        if views.isEmpty { return "no connectors configured (see connectors: in the configuration file)" }
        return Output.table(
            ["CONNECTOR", "ENDPOINT", "PLATFORM", "STATUS", "LAST RUN", "LAST SUCCESS", "CURSOR", "RECORDS", "PAGES", "FAILURES", "NEXT RUN", "LAST ERROR"],
            views.map { view in
                [view.connector, view.endpoint, view.platform, view.status, Output.time(view.lastRunAt), Output.time(view.lastSuccessAt),
                 view.cursor ?? "-", String(view.recordsFetched), String(view.pagesFetched), String(view.consecutiveFailures),
                 Output.time(view.nextRunAt), view.lastError.map { "\(Output.time(view.lastErrorAt)) \($0)" } ?? "-"]
            }
        )
    }
}
