import Logging
import ServiceLifecycle
import ShuniuCore

/// A service that runs on one hub instance at a time: it waits for its job's lock in the store
/// (``JobLocks``), runs while holding it, and frees it on stop. On an instance that loses the
/// lock (its database connection), the service is cancelled and waits again, so the job moves to
/// an instance that still reaches the store.
struct ExclusiveService: Service {
    let job: String
    let locks: any JobLocks
    let service: any Service
    let logger: Logger

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await locks.holding(job) { [service, logger, job] in
                    logger.debug("job held by this instance", metadata: ["job": "\(job)"])
                    try await service.run()
                }
                return
            } catch is CancellationError {
                return
            } catch {
                logger.warning("job stopped; waiting to hold it again", metadata: ["job": "\(job)", "error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(1)) }
            }
        }
    }
}
