import Foundation

/// A delivery taken for sending, with the version it carries.
public struct ClaimedDelivery: Sendable, Hashable {
    public var id: Int64
    public var attempts: Int
    public var version: StoredVersion

    public init(id: Int64, attempts: Int, version: StoredVersion) {
        self.id = id
        self.attempts = attempts
        self.version = version
    }

    /// The key the upstream uses to drop a repeat: one per record version, the same on every
    /// retry and to every destination.
    public var idempotencyKey: String {
        "shuniu-\(version.dataset.rawValue)-\(version.hubId)-v\(version.version)-\(version.contentHash.prefix(12))"
    }
}

/// What became of one sent delivery.
public struct DeliveryOutcome: Sendable, Hashable {
    public enum Result: Sendable, Hashable {
        case delivered
        /// Try again at this time.
        case retry(at: Date)
        /// Give up: the upstream refused it, or the retries ran out.
        case dead
    }

    public var deliveryID: Int64
    public var result: Result
    /// HTTP status, when there was an answer.
    public var status: Int?
    /// Why it failed, for `shuniu queues` and dead letters.
    public var error: String?
    /// The upstream's answer body, kept (truncated) for dead letters.
    public var response: String?

    public init(deliveryID: Int64, result: Result, status: Int? = nil, error: String? = nil, response: String? = nil) {
        self.deliveryID = deliveryID
        self.result = result
        self.status = status
        self.error = error
        self.response = response
    }
}

/// A destination's persisted controls.
public struct DestinationControl: Sendable, Hashable {
    public var paused: Bool
    public var consecutiveFailures: Int
    public var circuitOpenUntil: Date?

    public init(paused: Bool, consecutiveFailures: Int, circuitOpenUntil: Date?) {
        self.paused = paused
        self.consecutiveFailures = consecutiveFailures
        self.circuitOpenUntil = circuitOpenUntil
    }
}
