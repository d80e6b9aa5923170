import ShuniuCore

/// The SQLite engine's audit trail (HubStore+Audit.swift, +AuditCheckpoints.swift, +AuditVerification.swift).
extension HubStore: AuditTrail {}
