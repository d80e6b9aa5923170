import Foundation
import PostgresNIO
import ShuniuCore

/// Jobs that run on one instance at a time, through PostgreSQL's session advisory locks.
///
/// Why the guarantees hold: a waiting instance opens a connection of its own and tries the
/// job's lock on it every ``jobRetry``; the server grants a session lock to one session at a
/// time. The holder keeps that connection for as long as `body` runs and checks it as often: the
/// server frees the lock when the session ends (the instance killed, the connection cut), and
/// the holder, finding its connection closed or silent, cancels `body` — so a lost holder's
/// `body` may overlap its successor's by one check (2 s, or 10 s more when the connection hangs
/// rather than closes), and only when the holder is cut off from the database (it can then
/// write nothing there either).
extension PostgresStore: JobLocks {
    /// How often a waiting instance tries a lock, and the holder checks its connection.
    static let jobRetry: Duration = .seconds(2)
    /// The first key of every job lock, so that Shuniu's locks never meet another program's.
    static let jobLockClass: Int32 = 0x5348_4E55

    public func holding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let connection = try await dedicatedConnection()
        do {
            try await hold(job, on: connection, body)
        } catch {
            try? await connection.close()
            throw error
        }
        try? await connection.close()
    }

    private func hold(_ job: String, on connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> Void) async throws {
        while true {
            try Task.checkCancellation()
            let held = try await connection.rows(
                "SELECT pg_try_advisory_lock(\(Self.jobLockClass), hashtext(\(job))) AS held", logger: logger
            ).first?["held"].decode(Bool.self)
            if held == true { break }
            try await Task.sleep(for: Self.jobRetry)
        }
        logger.debug("job lock taken", metadata: ["job": "\(job)", "instance": "\(instance)"])
        try await withThrowingTaskGroup(of: Void.self) { [logger] group in
            group.addTask { try await body() }
            group.addTask { try await Self.watch(connection, job: job, logger: logger) }
            // The first to end decides: `body` returning, or the check finding the lock lost.
            try await group.next()
            group.cancelAll()
        }
        try? await connection.run("SELECT pg_advisory_unlock(\(Self.jobLockClass), hashtext(\(job)))", logger: logger)
    }

    /// Returns only by throwing: when the lock's connection closes, or stops answering.
    private static func watch(_ connection: PostgresConnection, job: String, logger: Logger) async throws {
        while true {
            try await Task.sleep(for: jobRetry)
            guard await answers(connection, within: .seconds(10), logger: logger) else {
                throw StoreError(.unavailable, "the lock of job \(job) was lost with its database connection")
            }
        }
    }

    /// Whether `connection` is open and answers a query within `timeout` (a query on a
    /// connection whose server went away may never end).
    private static func answers(_ connection: PostgresConnection, within timeout: Duration, logger: Logger) async -> Bool {
        guard !connection.isClosed else { return false }
        return await answer(within: timeout) { try await connection.run("SELECT 1", logger: logger) } != nil
    }
}
