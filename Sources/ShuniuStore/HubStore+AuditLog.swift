import ShuniuCore

/// The SQLite engine's audit chain (HubStore+Audit.swift).
extension HubStore: AuditLog {}
