/// Commits made by the other instances that share the store, so that this instance's
/// long-polling readers and delivery workers wake for them as they do for its own.
///
/// Every engine must keep these guarantees:
/// - **No commit unheard**: every commit that stored a version on another instance calls
///   `onCommit` here after that commit is visible (several commits may call it once).
/// - A lost connection ends the call with an error; the caller follows again, and in between
///   readers and workers fall back on their own timeouts.
/// - An engine that serves a single instance (SQLite) has nothing to tell: it waits until the
///   task is cancelled.
public protocol CommitEvents: Sendable {
    /// Calls `onCommit` for other instances' commits until the task is cancelled.
    func followCommits(_ onCommit: @escaping @Sendable () -> Void) async throws
}
