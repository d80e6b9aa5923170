import GRDB
import ShuniuTrust
import Synchronization

/// Holds a store's audit key for the SQL function `shuniu_audit_chain_hash`, through which every
/// transaction that appends an audit entry (ingest, replay, operator actions…) chains it under
/// the key without the key being passed down each helper. The key never enters the database.
final class AuditKeyHolder: Sendable {
    private let key = Mutex<AuditKey?>(nil)

    /// The key, once the store has decided it.
    var current: AuditKey? { key.withLock { $0 } }

    func set(_ value: AuditKey) { key.withLock { $0 = value } }

    /// `shuniu_audit_chain_hash(text)`: the keyed chain hash of an entry's text; fails when the
    /// store has no usable key, so that no entry is ever appended unkeyed to a keyed chain.
    var chainHashFunction: DatabaseFunction {
        DatabaseFunction("shuniu_audit_chain_hash", argumentCount: 1, pure: false) { [self] values in
            guard let key = current else {
                throw DatabaseError(resultCode: .SQLITE_ERROR, message: "the audit chain's key is not available: no audit entry can be appended")
            }
            guard let text = String.fromDatabaseValue(values[0]) else {
                throw DatabaseError(resultCode: .SQLITE_MISMATCH, message: "shuniu_audit_chain_hash takes text")
            }
            return key.chainHash(Array(text.utf8))
        }
    }
}
