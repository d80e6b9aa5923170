import ShuniuCore

/// The SQLite engine behind the pull connectors' port (HubStore+Connectors.swift).
extension HubStore: ConnectorStateStore {}
