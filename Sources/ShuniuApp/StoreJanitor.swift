import Logging
import ServiceLifecycle
import ShuniuCore
import ShuniuIngest

/// The store's housekeeping, every minute, on one instance at a time: forgets request nonces once
/// they are outside the replay window, and folds the queue figures' counter deltas.
struct StoreJanitor: Service {
    let ingest: IngestService
    let queues: any QueueAdministration
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await ingest.pruneNonces()
            } catch {
                logger.failure("pruning nonces failed", error)
            }
            do {
                try await queues.compactQueueCounters()
            } catch {
                logger.failure("folding queue counters failed", error)
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
        }
    }
}
