import Foundation
import Logging
import ServiceLifecycle
import ShuniuApp
import ShuniuClient
import ShuniuCore
import ShuniuStore

/// A real hub serving on an ephemeral loopback port with its store in a temporary folder.
/// `stop()` shuts it down gracefully, as SIGTERM would.
public final class RunningHub: Sendable {
    public let hub: Hub
    public let port: Int
    public let dataDir: String
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// The hub's store, through the ports: tests read the same on any engine.
    public var store: any StoreEngine { hub.store }
    /// The same store as the SQLite engine, for tests of what only it has (its file, its size
    /// limit, rows changed behind its back); nil on another engine.
    public var sqliteStore: HubStore? { hub.store as? HubStore }
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Starts a hub over `dataDir` with the repository's spec; `adjust` changes the configuration first.
    public static func start(dataDir: String, adjust: (inout HubConfiguration) -> Void = { _ in }) async throws -> RunningHub {
        var configuration = HubConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.dataDir = dataDir
        configuration.mappingsDir = RepositoryPaths.mappings
        configuration.certsDir = RepositoryPaths.certs
        adjust(&configuration)
        var logger = Logger(label: "shuniu-test")
        logger.logLevel = .warning
        // The repository's spec is loaded once a test run, not once a hub.
        let settings = configuration
        let spec = try await blocking { settings.specDir == RepositoryPaths.spec ? try RepositoryPaths.loadedSpec() : nil }
        let hub = try await Hub(configuration: settings, logger: logger, spec: spec)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let group = try hub.makeServiceGroup(signals: []) { port in continuation.yield(port) }
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw TestHubError(message: "the hub did not start") }
        return RunningHub(hub: hub, port: port, dataDir: dataDir, group: group, task: task)
    }

    /// Starts a hub as ``start(dataDir:adjust:)`` does, runs `body` with it, and stops it
    /// gracefully however `body` ends, thrown or returned.
    public static func withRunning<T: Sendable>(
        dataDir: String, adjust: (inout HubConfiguration) -> Void = { _ in }, _ body: (RunningHub) async throws -> T
    ) async throws -> T {
        let hub = try await start(dataDir: dataDir, adjust: adjust)
        let result: T
        do {
            result = try await body(hub)
        } catch {
            try? await hub.stop()
            throw error
        }
        try await hub.stop()
        return result
    }

    private init(hub: Hub, port: Int, dataDir: String, group: ServiceGroup, task: Task<Void, any Error>) {
        self.hub = hub
        self.port = port
        self.dataDir = dataDir
        self.group = group
        self.task = task
    }

    /// A client signing as the platform with `credential`.
    public func client(_ credential: PlatformCredential, method: SignatureMethod = .hmacSHA256) -> IngestClient {
        IngestClient(baseURL: baseURL, credential: credential, method: method)
    }

    /// Writes the refusal summaries counted so far and returns every `anonymous.refused` entry's
    /// counts added up by code: what the audit log says of callers the hub could not identify.
    public func anonymousRefusals() async throws -> [String: Int] {
        await hub.writeRefusalSummaries()
        var total: [String: Int] = [:]
        for entry in try await store.auditEntries(limit: 10_000, action: "anonymous.refused") {
            guard case .object(let detail)? = try? JSONReader(maxDepth: 4).read(Array(entry.detail.utf8)),
                  case .object(let counts)? = detail["counts"] else { continue }
            for case let (code, .number(count)) in counts { total[code, default: 0] += Int(count) }
        }
        return total
    }

    /// Graceful shutdown: stop accepting, finish in-flight requests, close the store.
    public func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}

public struct TestHubError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }
}

extension HubConfiguration {
    /// Every record routed to one destination, `national` at `url`, retried after a second.
    public mutating func deliverEverything(to url: String) {
        destinations = [Destination(name: "national", url: url, batchSize: 50, retrySchedule: [1, 1, 1])]
        routing = RoutingTable(routes: [Route(destination: "national")])
    }
}
