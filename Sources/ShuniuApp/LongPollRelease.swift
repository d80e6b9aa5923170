import ServiceLifecycle
import ShuniuCore

/// Ends every long-poll at shutdown. Listed after the HTTP server, it is stopped before it: the
/// waiting feed readers get their (empty) pages at once, so the server's graceful stop is not
/// held up for the rest of their polls.
struct LongPollRelease: Service {
    let commits: CommitNotifier

    func run() async throws {
        try? await gracefulShutdown()
        commits.close()
    }
}
