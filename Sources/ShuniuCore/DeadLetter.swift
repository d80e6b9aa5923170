import Foundation

/// A delivery the upstream refused or that ran out of retries, with the upstream's answer.
public struct DeadLetter: Codable, Sendable, Hashable {
    public var id: Int64
    public var destination: String
    public var dataset: String
    public var key: String
    public var version: Int
    public var sourcePlatform: String
    public var attempts: Int
    public var lastStatus: Int?
    public var lastError: String?
    /// The upstream's own answer body, as it came (truncated to 4,000 characters).
    public var upstreamResponse: String?
    public var enqueuedAt: Date
    public var lastAttemptAt: Date?

    /// A value with every field given (an engine reading its rows).
    public init(
        id: Int64, destination: String, dataset: String, key: String, version: Int, sourcePlatform: String, attempts: Int,
        lastStatus: Int? = nil, lastError: String? = nil, upstreamResponse: String? = nil, enqueuedAt: Date, lastAttemptAt: Date? = nil
    ) {
        self.id = id
        self.destination = destination
        self.dataset = dataset
        self.key = key
        self.version = version
        self.sourcePlatform = sourcePlatform
        self.attempts = attempts
        self.lastStatus = lastStatus
        self.lastError = lastError
        self.upstreamResponse = upstreamResponse
        self.enqueuedAt = enqueuedAt
        self.lastAttemptAt = lastAttemptAt
    }
}

/// Filters for listing, retrying or discarding dead letters; nil matches all.
public struct DeadLetterFilter: Sendable, Codable {
    public var destination: String?
    public var dataset: DatasetID?
    public var platform: PlatformID?
    /// Last attempt at or after / before.
    public var since: Date?
    public var until: Date?
    /// A piece of the last error or the upstream's answer.
    public var errorContains: String?

    /// A filter; a field left nil matches all.
    public init(destination: String? = nil, dataset: DatasetID? = nil, platform: PlatformID? = nil,
                since: Date? = nil, until: Date? = nil, errorContains: String? = nil) {
        self.destination = destination
        self.dataset = dataset
        self.platform = platform
        self.since = since
        self.until = until
        self.errorContains = errorContains
    }
}
