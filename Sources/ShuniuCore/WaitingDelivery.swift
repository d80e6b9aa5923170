import Foundation

/// A delivery still waiting (pending, in flight or retrying), with why: "why is this still queued?"
public struct WaitingDelivery: Codable, Sendable, Hashable {
    public var id: Int64
    public var state: DeliveryState
    public var dataset: String
    public var key: String
    public var version: Int
    public var attempts: Int
    public var enqueuedAt: Date
    public var nextAttemptAt: Date
    public var lastStatus: Int?
    public var lastError: String?

    /// A value with every field given (an engine reading its rows).
    public init(
        id: Int64, state: DeliveryState, dataset: String, key: String, version: Int, attempts: Int, enqueuedAt: Date,
        nextAttemptAt: Date, lastStatus: Int? = nil, lastError: String? = nil
    ) {
        self.id = id
        self.state = state
        self.dataset = dataset
        self.key = key
        self.version = version
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
        self.nextAttemptAt = nextAttemptAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }
}
