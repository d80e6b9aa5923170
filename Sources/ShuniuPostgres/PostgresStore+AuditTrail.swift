import Foundation
import ShuniuCore

// SCAFFOLD: every member below is to be built.
extension PostgresStore: AuditTrail {
    public func auditEntries(limit: Int, action: String?, since: Date?, actor: String?) async throws -> [AuditEntry] { throw Self.notYet("auditEntries") }
    public func lastAuditID() async throws -> Int64 { throw Self.notYet("lastAuditID") }
    public func auditCheckpoint(event: String, at instant: Date) async throws -> AuditCheckpoint { throw Self.notYet("auditCheckpoint") }
    public func verifyAudit(checkpoints: AuditCheckpoints?) async throws -> AuditChainReport { throw Self.notYet("verifyAudit") }
    public var auditKeyProblem: String? { "the audit trail is not built on PostgreSQL yet" }
}
