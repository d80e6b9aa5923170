import Logging
import ServiceLifecycle
import ShuniuCore

/// Wakes this instance's long-polling readers and delivery workers when another instance that
/// shares the store commits versions (``CommitEvents``), as ingest does for its own commits.
struct CommitRelay: Service {
    let events: any CommitEvents
    let commits: CommitNotifier
    let wakeups: WakeSignal
    let logger: Logger

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await events.followCommits { [commits, wakeups] in
                        commits.notify()
                        wakeups.signal()
                    }
                } catch is CancellationError {
                    return
                } catch {
                    // Until followed again, readers and workers wake on their own timeouts.
                    logger.warning("other instances' commits are not followed; retrying in 1 s", metadata: ["error": "\(error)"])
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}
