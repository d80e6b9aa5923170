import Foundation
import ShuniuCore

/// The audit chain on PostgreSQL: one chain however many instances append (PostgresAuditChain.swift).
extension PostgresStore: AuditLog {
    @discardableResult
    public func appendAudit(_ event: AuditEvent, at instant: Date) async throws -> AuditEntry {
        try await write("appending an audit entry") { [logger] connection in
            try await PostgresAuditChain.append(event, at: instant, on: connection, logger: logger)
        }
    }
}
