/// Where one (destination, record version) delivery stands.
public enum DeliveryState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its first attempt.
    case pending
    /// Sent, answer not yet in (reset to pending when the hub restarts).
    case inFlight = "in_flight"
    /// Failed in a way worth retrying; waits for `nextAttemptAt`.
    case retrying
    case delivered
    /// Refused by the upstream (4xx) or out of retries: kept with the upstream's answer.
    case dead
    /// `latest-state` destinations: a newer version of the record was sent instead.
    case superseded
    /// An operator discarded the dead letter.
    case discarded
}
