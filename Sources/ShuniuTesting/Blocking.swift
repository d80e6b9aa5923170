import ShuniuCore

/// Runs blocking work (waiting on a child process, reading a socket) on a thread of its own so
/// that it holds neither a cooperative thread nor a Dispatch worker that the store needs.
public func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await onOwnThread(work)
}
