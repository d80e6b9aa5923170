/// Jobs that must run on one instance at a time — pull connectors, janitors, deadline checks —
/// when several hub instances share one store.
///
/// Every engine must keep these guarantees:
/// - **One holder**: while `body` runs for a job on one instance, no other instance runs a body
///   for the same job name.
/// - **Taken over**: when the holder dies or loses the store (its connection), the job is free
///   again, and a waiting instance takes it within its engine's retry interval; the lost holder's
///   `body` is cancelled as soon as it learns of the loss.
/// - An engine that serves a single instance (SQLite: the daemon lock keeps a second one out)
///   runs `body` at once.
public protocol JobLocks: Sendable {
    /// Waits until this instance holds `job`, runs `body`, and frees the job when `body` ends.
    /// Returns when `body` returns, or when the task is cancelled while waiting.
    func holding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws
}
