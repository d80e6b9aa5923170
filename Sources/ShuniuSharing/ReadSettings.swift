/// Bounds on reads.
///
/// | key | type | default | |
/// |---|---|---|---|
/// | `feed.pageCap` | integer 1–10000 | `1000` | most versions in one feed page |
/// | `feed.maxWaitSeconds` | integer 0–120 | `30` | longest long-poll |
/// | `feed.defaultRequestsPerMinute` | integer 1–100000 | `600` | a new consumer's rate limit |
public struct ReadSettings: Sendable, Hashable {
    public var pageCap: Int
    public var maxWaitSeconds: Int
    public var defaultRequestsPerMinute: Int

    public init(pageCap: Int = 1000, maxWaitSeconds: Int = 30, defaultRequestsPerMinute: Int = 600) {
        self.pageCap = pageCap
        self.maxWaitSeconds = maxWaitSeconds
        self.defaultRequestsPerMinute = defaultRequestsPerMinute
    }
}
