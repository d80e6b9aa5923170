import Foundation

/// The hash-chained audit trail. Every engine keeps one chain: each entry names the previous
/// entry's hash, so that an entry changed, removed or inserted later breaks the chain; entries
/// appended from several instances still form one chain, in one order.
public protocol AuditLog: Sendable {
    /// Appends one entry in its own transaction.
    @discardableResult
    func appendAudit(_ event: AuditEvent, at instant: Date) async throws -> AuditEntry
}

extension AuditLog {
    /// Appends one entry stamped now.
    @discardableResult
    public func appendAudit(_ event: AuditEvent) async throws -> AuditEntry {
        try await appendAudit(event, at: Date())
    }
}
