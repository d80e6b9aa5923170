import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird server on an ephemeral 127.0.0.1 port, run in its own service group: what the
/// simulated upstreams and CRL servers stand on.
struct LoopbackServer: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `router` and returns once it listens.
    static func start(_ router: Router<BasicRequestContext>, label: String) async -> LoopbackServer {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: label)
        logger.logLevel = .error
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return LoopbackServer(port: await iterator.next() ?? 0, group: group, task: task)
    }

    /// Graceful stop: afterwards connections are refused.
    func stop() async throws {
        await group.triggerGracefulShutdown()
        try await task.value
    }
}
