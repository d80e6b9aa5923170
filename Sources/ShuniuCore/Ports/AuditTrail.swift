import Foundation

/// The audit trail as operators read and verify it: its entries, checkpoints of its head, and
/// the whole check of the chain against the data it describes.
///
/// Every engine must keep these guarantees:
/// - **Entries are read newest first**, and never change once written (``AuditLog``).
/// - **A checkpoint names the chain's head at one moment** (entries, last id and hash), signed
///   with the audit key, so that entries removed from the end are noticed by ``verifyAudit(checkpoints:)``.
/// - **Verification reads one consistent snapshot** and reports every kind of damage
///   (``AuditDamage/Kind``): a broken, truncated or rewritten chain, versions, owners or
///   deliveries that no entry accounts for. It never repairs anything.
/// - ``auditKeyProblem`` is set when the store was opened without the chain's key (missing,
///   unreadable, too widely readable, not the chain's): the hub refuses to serve then.
public protocol AuditTrail: AuditLog {
    /// Entries newest first, optionally only one action's, since a time, or one actor's.
    func auditEntries(limit: Int, action: String?, since: Date?, actor: String?) async throws -> [AuditEntry]

    /// The newest entry's id (0 for an empty trail).
    func lastAuditID() async throws -> Int64

    /// The chain's head now, signed with the audit key, for the checkpoint file.
    func auditCheckpoint(event: String, at instant: Date) async throws -> AuditCheckpoint

    /// The whole check; the head is compared with `checkpoints` when given (a note says so when
    /// they were given but there were none to read).
    func verifyAudit(checkpoints: AuditCheckpoints?) async throws -> AuditChainReport

    /// Why the audit key cannot be used, when it cannot.
    var auditKeyProblem: String? { get }
}

extension AuditTrail {
    /// The newest entries (50 unless told), optionally filtered.
    public func auditEntries(limit: Int = 50, action: String? = nil, since: Date? = nil, actor: String? = nil) async throws -> [AuditEntry] {
        try await auditEntries(limit: limit, action: action, since: since, actor: actor)
    }

    /// The chain's head now.
    public func auditCheckpoint(event: String) async throws -> AuditCheckpoint {
        try await auditCheckpoint(event: event, at: Date())
    }

    /// The whole check without checkpoints.
    public func verifyAudit() async throws -> AuditChainReport {
        try await verifyAudit(checkpoints: nil)
    }

    /// The whole check without checkpoints.
    public func verifyAuditChain() async throws -> AuditChainReport {
        try await verifyAudit(checkpoints: nil)
    }
}
