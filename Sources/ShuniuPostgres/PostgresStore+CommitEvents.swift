import Foundation
import PostgresNIO
import ShuniuCore

/// Other instances' commits, through PostgreSQL's `LISTEN`/`NOTIFY`.
///
/// A committing transaction that stored versions calls ``notifyCommit(on:)``: the server
/// delivers the notification to every listening session when, and only if, that transaction
/// commits, so a listener never wakes before the versions are visible. Each listener follows
/// on a connection of its own; the payload is the committing instance, whose own readers were
/// told already.
extension PostgresStore: CommitEvents {
    static let commitChannel = "shuniu_commit"

    public func followCommits(_ onCommit: @escaping @Sendable () -> Void) async throws {
        let connection = try await dedicatedConnection()
        do {
            try await connection.listen(on: Self.commitChannel) { [instance] notifications in
                // Commits made before LISTEN took effect were not told: look once.
                onCommit()
                for try await notification in notifications where notification.payload != instance {
                    onCommit()
                }
            }
        } catch {
            try? await connection.close()
            if Task.isCancelled { throw CancellationError() }
            throw Self.storeError(error, doing: "following other instances' commits")
        }
        try? await connection.close()
    }

    /// Tells the other instances, when this transaction commits, that it stored versions.
    func notifyCommit(on connection: PostgresConnection) async throws {
        try await connection.run("SELECT pg_notify(\(Self.commitChannel), \(instance))", logger: logger)
    }
}

extension PostgresStore {
    /// A transaction that only notifies, then commits or rolls back: for the tests of wake-ups.
    package func notifyCommitForTesting(commit: Bool) async throws {
        struct RolledBack: Error {}
        do {
            try await transaction("notifying a commit") { connection in
                try await notifyCommit(on: connection)
                if !commit { throw RolledBack() }
            }
        } catch let error as StoreError where error.cause is RolledBack {
            return
        }
    }
}
