import ShuniuCore

/// The SQLite engine serves one instance: the daemon lock on the data folder keeps a second
/// daemon out, so every job already runs once.
extension HubStore: JobLocks {
    public func holding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        try await body()
    }
}
