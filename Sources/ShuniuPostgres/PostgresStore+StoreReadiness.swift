import Foundation
import PostgresNIO
import ShuniuCore

/// Readiness on PostgreSQL: the database answers, and this instance's last write went through.
extension PostgresStore: StoreReadiness {
    public var engineName: String { "postgres" }

    /// How long a readiness query may take: `/readyz` answers within it even when the database
    /// is gone (a pool that cannot connect waits for its connect timeout, far longer).
    static let readinessBound: Duration = .seconds(2)

    public var writeState: StoreWriteState { health.current }

    public func isReady() async -> Bool {
        let answered = await Self.answer(within: Self.readinessBound) { [self] in
            try await connection("checking readiness") { [logger] connection in
                try await connection.rows("SELECT 1 AS one", logger: logger)[0]["one"].decode(Int.self)
            }
        }
        guard answered == 1 else { return false }
        if health.current.isWritable { return true }
        // Writes failed: probe (at most once a second) so that readiness returns with the database.
        guard health.mayProbe() else { return false }
        return await Self.answer(within: Self.readinessBound) { [self] in try await probeWrite() } != nil
    }

    /// A write of 64 KiB that commits and is removed in the same transaction: it goes through
    /// only when the database takes writes (it is logged before it commits).
    public func probeWrite() async throws {
        try await write("probing whether the database takes writes") { [logger] connection in
            let id = Int64.random(in: 1...Int64.max)
            try await connection.run("INSERT INTO store_probe (id, at, room) VALUES (\(id), now(), decode(repeat('00', 65536), 'hex'))", logger: logger)
            try await connection.run("DELETE FROM store_probe WHERE id = \(id)", logger: logger)
        }
    }
}
