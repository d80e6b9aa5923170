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

    /// A value with every field given (an engine reading its rows).
    public init(
        destination: String, pending: Int, inFlight: Int, retrying: Int, dead: Int, delivered: Int, oldestPendingSeconds: Double? = nil,
        lastSuccessAt: Date? = nil, lastError: String? = nil, lastErrorAt: Date? = nil, deliveriesLastMinute: Int, paused: Bool,
        pausedBy: String? = nil, pausedReason: String? = nil, pausedAt: Date? = nil, circuitOpenUntil: Date? = nil
    ) {
        self.destination = destination
        self.pending = pending
        self.inFlight = inFlight
        self.retrying = retrying
        self.dead = dead
        self.delivered = delivered
        self.oldestPendingSeconds = oldestPendingSeconds
        self.lastSuccessAt = lastSuccessAt
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.deliveriesLastMinute = deliveriesLastMinute
        self.paused = paused
        self.pausedBy = pausedBy
        self.pausedReason = pausedReason
        self.pausedAt = pausedAt
        self.circuitOpenUntil = circuitOpenUntil
    }
}
