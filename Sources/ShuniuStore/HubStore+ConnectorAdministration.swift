import ShuniuCore

/// The SQLite engine's connector administration (HubStore+Connectors.swift).
extension HubStore: ConnectorAdministration {}
