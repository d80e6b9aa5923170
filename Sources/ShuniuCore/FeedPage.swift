import Foundation

/// Which versions a feed page holds: after a cursor, of some datasets, optionally of one region
/// (by code prefix) and one source platform.
public struct FeedQuery: Sendable, Hashable {
    /// The cursor: the sequence number of the last version the reader has.
    public var after: Int64
    /// The datasets the reader asked for and may read; never empty.
    public var datasets: [DatasetID]
    /// A region code prefix (`42` Hubei, `4201` Wuhan).
    public var regionPrefix: String?
    public var platform: String?
    public var limit: Int

    public init(after: Int64, datasets: [DatasetID], regionPrefix: String? = nil, platform: String? = nil, limit: Int) {
        self.after = after
        self.datasets = datasets
        self.regionPrefix = regionPrefix
        self.platform = platform
        self.limit = limit
    }
}

/// One page of the feed and where the next one starts.
public struct FeedPage: Sendable {
    public var versions: [StoredVersion]
    /// The cursor for the next page: past every version this page looked at, matching or not.
    public var next: Int64
    /// True when versions past `next` were committed already: ask again at once.
    public var more: Bool
    /// The latest committed version's sequence number when the page was read.
    public var latest: Int64

    public init(versions: [StoredVersion], next: Int64, more: Bool, latest: Int64) {
        self.versions = versions
        self.next = next
        self.more = more
        self.latest = latest
    }
}
