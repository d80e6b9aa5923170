import ShuniuCore

/// The SQLite engine's queue administration (HubStore+Queues.swift, +DeadLetters.swift, +Outbox.swift).
extension HubStore: QueueAdministration {}
