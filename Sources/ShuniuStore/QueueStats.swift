import Foundation

/// One destination's queue as `shuniu queues` shows it. Counts come from counters kept in the
/// same transactions as the deliveries, so reading them costs the same with millions queued.
public struct QueueStats: Codable, Sendable, Hashable {
    public var destination: String
    public var pending: Int
    public var inFlight: Int
    public var retrying: Int
    public var dead: Int
    public var delivered: Int
    /// Age in seconds of the oldest item still waiting (pending or retrying).
    public var oldestPendingSeconds: Double?
    public var lastSuccessAt: Date?
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Deliveries completed in the last minute.
    public var deliveriesLastMinute: Int
    public var paused: Bool
    public var pausedBy: String?
    /// Why it was paused (`destinations pause --reason`), when a reason was given.
    public var pausedReason: String?
    /// When it was paused (nil for a pause from before this was recorded).
    public var pausedAt: Date?
    /// Set while the circuit breaker holds deliveries back.
    public var circuitOpenUntil: Date?
}
