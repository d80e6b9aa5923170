import Foundation

/// What the hub keeps of one pull connector's endpoint between restarts, as `shuniu connectors`
/// shows it.
public struct ConnectorState: Codable, Sendable, Hashable {
    /// The connector's configured name.
    public var connector: String
    /// The endpoint's name within the connector; each endpoint keeps its own cursor.
    public var endpoint: String
    public var platform: String
    /// Where the next run resumes: a page number, the platform's cursor, or the latest
    /// modification time seen, by paging style. Nil: from the start.
    public var cursor: String?
    public var lastRunAt: Date?
    public var lastSuccessAt: Date?
    /// Records mapped from committed pages, accepted, duplicate and rejected alike.
    public var recordsFetched: Int
    /// Pages committed.
    public var pagesFetched: Int
    public var lastError: String?
    public var lastErrorAt: Date?
    /// Failed runs since the last success; the back-off grows with it.
    public var consecutiveFailures: Int
    public var nextRunAt: Date?

    public init(
        connector: String, endpoint: String, platform: String, cursor: String? = nil, lastRunAt: Date? = nil, lastSuccessAt: Date? = nil,
        recordsFetched: Int = 0, pagesFetched: Int = 0, lastError: String? = nil, lastErrorAt: Date? = nil,
        consecutiveFailures: Int = 0, nextRunAt: Date? = nil
    ) {
        self.connector = connector
        self.endpoint = endpoint
        self.platform = platform
        self.cursor = cursor
        self.lastRunAt = lastRunAt
        self.lastSuccessAt = lastSuccessAt
        self.recordsFetched = recordsFetched
        self.pagesFetched = pagesFetched
        self.lastError = lastError
        self.lastErrorAt = lastErrorAt
        self.consecutiveFailures = consecutiveFailures
        self.nextRunAt = nextRunAt
    }
}
