import Foundation
import PostgresNIO
import ShuniuCore
import Synchronization

/// Readiness on PostgreSQL: the database answers, and this instance's last write went through.
extension PostgresStore: StoreReadiness {
    /// How long a readiness query may take: `/readyz` answers within it even when the database
    /// is gone (a pool that cannot connect waits for its connect timeout, far longer).
    static let readinessBound: Duration = .seconds(2)

    public var writeState: StoreWriteState { health.current }

    public func isReady() async -> Bool {
        let answered = await Self.within(Self.readinessBound) { [self] in
            try await connection("checking readiness") { [logger] connection in
                try await connection.rows("SELECT 1 AS one", logger: logger)[0]["one"].decode(Int.self)
            }
        }
        guard answered == 1 else { return false }
        if health.current.isWritable { return true }
        // Writes failed: probe (at most once a second) so that readiness returns with the database.
        guard health.mayProbe() else { return false }
        return await Self.within(Self.readinessBound) { [self] in try await probeWrite() } != nil
    }

    /// A write of 64 KiB that commits and is removed in the same transaction: it goes through
    /// only when the database takes writes (it is logged before it commits).
    func probeWrite() async throws {
        try await write("probing whether the database takes writes") { [logger] connection in
            let id = Int64.random(in: 1...Int64.max)
            try await connection.run("INSERT INTO store_probe (id, at, room) VALUES (\(id), now(), decode(repeat('00', 65536), 'hex'))", logger: logger)
            try await connection.run("DELETE FROM store_probe WHERE id = \(id)", logger: logger)
        }
    }

    /// `work`'s value, or nil when it fails or has not ended within `bound`. Returns at the bound
    /// whether or not `work` heeds its cancellation (a hung connection need not).
    static func within<T: Sendable>(_ bound: Duration, _ work: @escaping @Sendable () async throws -> T) async -> T? {
        let answer = AnswerOnce<T>()
        return await withCheckedContinuation { continuation in
            answer.arm(continuation)
            let running = Task {
                answer.give(try? await work())
            }
            Task {
                try? await Task.sleep(for: bound)
                running.cancel()
                answer.give(nil)
            }
        }
    }
}

/// A continuation resumed once, by the first of the parties that answer.
private final class AnswerOnce<T: Sendable>: Sendable {
    private let state = Mutex<(continuation: CheckedContinuation<T?, Never>?, answered: Bool)>((nil, false))

    func arm(_ continuation: CheckedContinuation<T?, Never>) {
        state.withLock { $0.continuation = continuation }
    }

    func give(_ value: T?) {
        let continuation = state.withLock { state -> CheckedContinuation<T?, Never>? in
            guard !state.answered, let continuation = state.continuation else { return nil }
            state.answered = true
            return continuation
        }
        continuation?.resume(returning: value)
    }
}
