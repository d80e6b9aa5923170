import Logging
import ServiceLifecycle
import ShuniuIngest

/// Forgets request nonces once they are outside the replay window, every minute.
struct NonceJanitor: Service {
    let ingest: IngestService
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await ingest.pruneNonces()
            } catch {
                logger.failure("pruning nonces failed", error)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
