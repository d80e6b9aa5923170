import ShuniuCore

/// The SQLite engine's consumer registry (HubStore+Consumers.swift, +Grants.swift).
extension HubStore: ConsumerRegistry {}
