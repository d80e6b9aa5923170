import Foundation
import PostgresNIO
import ShuniuCore

/// Nonces on PostgreSQL. Claiming one is part of the commit it protects (ingest, reads): the
/// `(app_key, nonce)` key makes the first commit of any instance win; this port asks and forgets.
extension PostgresStore: NonceLedger {
    public func isNonceUsed(appKey: String, nonce: String) async throws -> Bool {
        try await connection("reading a nonce") { [logger] connection in
            !(try await connection.rows("SELECT 1 FROM request_nonce WHERE app_key = \(appKey) AND nonce = \(nonce)", logger: logger).isEmpty)
        }
    }

    @discardableResult
    public func pruneNonces(before cutoff: Date) async throws -> Int {
        try await write("forgetting old nonces") { [logger] connection in
            try await connection.rows("DELETE FROM request_nonce WHERE seen_at < \(cutoff) RETURNING 1", logger: logger).count
        }
    }
}
