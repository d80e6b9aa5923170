import Foundation

/// Where one version of a record went: one outbox row, as an operator asks about it.
public struct RecordDelivery: Codable, Sendable, Hashable {
    public var destination: String
    public var version: Int
    /// pending, in_flight, retrying, delivered, dead, superseded or discarded.
    public var state: String
    public var attempts: Int
    public var enqueuedAt: Date
    public var lastAttemptAt: Date?
    public var deliveredAt: Date?
    public var lastStatus: Int?
    public var lastError: String?

    /// A value with every field given (an engine reading its rows).
    public init(
        destination: String, version: Int, state: String, attempts: Int, enqueuedAt: Date, lastAttemptAt: Date? = nil,
        deliveredAt: Date? = nil, lastStatus: Int? = nil, lastError: String? = nil
    ) {
        self.destination = destination
        self.version = version
        self.state = state
        self.attempts = attempts
        self.enqueuedAt = enqueuedAt
        self.lastAttemptAt = lastAttemptAt
        self.deliveredAt = deliveredAt
        self.lastStatus = lastStatus
        self.lastError = lastError
    }
}
