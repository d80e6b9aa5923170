import ShuniuCore

/// The SQLite engine's consumers and grants as reads see them (HubStore+Consumers.swift, +Grants.swift).
extension HubStore: ConsumerDirectory {}
