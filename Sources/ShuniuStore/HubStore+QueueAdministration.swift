import ShuniuCore

/// The SQLite engine's queue administration (HubStore+Queues.swift, +DeadLetters.swift, +Outbox.swift).
extension HubStore: QueueAdministration {
    /// One writer keeps one counter row per destination and state: nothing accumulates.
    public func compactQueueCounters() async throws {}
}
