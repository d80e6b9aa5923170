import Foundation

/// The delivery queues as operators run them: their figures, what waits and why, dead letters
/// retried or discarded, history replayed, destinations paused.
///
/// Every engine must keep these guarantees:
/// - **Figures cost the same however long the queue**: counts are kept with the deliveries, not
///   counted row by row.
/// - **Retry and discard act on dead letters only**, each change audited (`dead-letter.retry`,
///   `dead-letter.discard`) in the transaction that makes it; a retried letter is pending again
///   with a fresh retry schedule (attempts from zero) and the same idempotency key.
/// - **A replay queues a version once**: versions already waiting for the destination are not
///   queued twice; what it queued and skipped is audited as `delivery.replay`.
/// - **A pause holds on every instance**: a paused destination's deliveries are not claimed
///   (``DeliveryQueue/destinationControl(_:)``) until it is resumed; both are audited
///   (`destination.pause`, `destination.resume`).
public protocol QueueAdministration: Sendable {
    /// Each destination's queue figures, in the order given.
    func queueStats(destinations: [String], now: Date) async throws -> [QueueStats]

    /// Deliveries still waiting for a destination (pending, in flight, retrying), oldest first.
    func waitingDeliveries(destination: String, limit: Int) async throws -> [WaitingDelivery]

    /// Every destination that has ever had a delivery queued, by name.
    func queuedDestinations() async throws -> [String]

    /// Dead letters matching `filter`, oldest first.
    func deadLetters(_ filter: DeadLetterFilter, limit: Int) async throws -> [DeadLetter]

    /// One dead letter, by its delivery id.
    func deadLetter(id: Int64) async throws -> DeadLetter?

    /// Puts the chosen dead letters (`ids`, else those matching `filter`) back in the queue; returns how many.
    func retryDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String) async throws -> Int

    /// Marks the chosen dead letters discarded (kept, never sent); returns how many.
    func discardDeadLetters(ids: [Int64]?, matching filter: DeadLetterFilter, by operatorName: String, reason: String?) async throws -> Int

    /// Re-enqueues the versions `selection` names for its destination; with `routed`, only those
    /// the destination's routes accept (and withdrawals of records it has).
    @discardableResult
    func replay(_ selection: ReplaySelection, routed: (@Sendable (ReplayCandidate) -> Bool)?, by operatorName: String) async throws -> ReplayOutcome

    /// Pauses or resumes a destination's deliveries, with the operator's reason.
    func setDestinationPaused(_ destination: String, paused: Bool, by operatorName: String, reason: String?) async throws

    /// Folds what the figures' counts have accumulated, where an engine keeps them as deltas (so
    /// that several instances never wait on one counter row): the store janitor's work, on one
    /// instance at a time, so that reading the figures never writes. Nothing to do where counts
    /// are kept whole.
    func compactQueueCounters() async throws
}

extension QueueAdministration {
    /// Each destination's queue figures now.
    public func queueStats(destinations: [String]) async throws -> [QueueStats] {
        try await queueStats(destinations: destinations, now: Date())
    }

    /// The first 50 deliveries waiting for a destination.
    public func waitingDeliveries(destination: String) async throws -> [WaitingDelivery] {
        try await waitingDeliveries(destination: destination, limit: 50)
    }

    /// The first 100 dead letters matching `filter`.
    public func deadLetters(_ filter: DeadLetterFilter) async throws -> [DeadLetter] {
        try await deadLetters(filter, limit: 100)
    }

    /// A replay of everything selected, routes ignored.
    @discardableResult
    public func replay(_ selection: ReplaySelection, by operatorName: String) async throws -> ReplayOutcome {
        try await replay(selection, routed: nil, by: operatorName)
    }
}
