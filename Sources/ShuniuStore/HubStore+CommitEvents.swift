import ShuniuCore

/// The SQLite engine serves one instance: every commit is this instance's own, and ingest
/// tells its readers and workers itself.
extension HubStore: CommitEvents {
    public func followCommits(_ onCommit: @escaping @Sendable () -> Void) async throws {
        while !Task.isCancelled {
            try await Task.sleep(for: .seconds(3600))
        }
    }
}
