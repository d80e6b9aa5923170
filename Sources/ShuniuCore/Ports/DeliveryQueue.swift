import Foundation

/// The outbox and its delivery claims, as a destination's worker sees them: what is due, what
/// became of what was sent, and the destination's circuit breaker and pause.
///
/// Ingest fills the outbox (one delivery per routed destination and record version, in the
/// version's commit); this port empties it. Every engine must keep these guarantees:
/// - **Claims are exclusive**: a claimed delivery is in flight and is not claimed again until it
///   is completed or recovered, so that no two workers send it at once. On an engine that several
///   instances share, a claim also ends when its lease runs out (its instance is presumed dead):
///   the delivery is then claimable again, by any instance, with the same key.
/// - **Order per record**: of one record's waiting versions, only the oldest is claimable; a
///   newer one waits until the older is delivered, dead or superseded. A failing record holds
///   back only itself. In `latest-state` mode, claiming a record supersedes its older waiting
///   versions and takes only the newest.
/// - **At least once, one key**: a delivery left in flight (a stopped or killed worker) goes back
///   to the queue on recovery; it may reach the destination twice, always with the same
///   ``ClaimedDelivery/idempotencyKey``.
/// - **Outcomes are durable**: each outcome counts one attempt; a retry waits until its time, a
///   dead delivery is kept (with the destination's answer) for the operator.
/// - Storage faults are thrown as ``StoreError`` with code ``StoreError/Code/full`` or
///   ``StoreError/Code/unavailable``.
public protocol DeliveryQueue: Sendable {
    /// Puts the destination's deliveries left in flight back in the queue; returns how many. On an
    /// engine that several instances share: only this instance's and those whose lease ran out.
    @discardableResult
    func recoverInFlight(destination: String) async throws -> Int

    /// Takes up to `limit` deliveries due at `now` (pending, or retrying whose time has come),
    /// oldest first, and marks them in flight.
    func claimDue(destination: String, mode: Destination.Mode, limit: Int, now: Date) async throws -> [ClaimedDelivery]

    /// Records what became of sent deliveries, and the destination's last success or error.
    func completeDeliveries(_ outcomes: [DeliveryOutcome], destination: String, now: Date) async throws

    /// Counts a whole batch's failure toward the circuit breaker (opening it until the time
    /// `openCircuitUntil` gives for the failures in a row, if any), or a success that closes it;
    /// returns the controls as they now stand.
    func recordBatchHealth(destination: String, failed: Bool, openCircuitUntil: @Sendable (Int) -> Date?) async throws -> DestinationControl

    /// The destination's pause, failures in a row and open circuit; defaults when never seen.
    func destinationControl(_ destination: String) async throws -> DestinationControl
}
