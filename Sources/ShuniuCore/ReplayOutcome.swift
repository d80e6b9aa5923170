/// What a replay did: versions queued, and versions the destination's routes would not send.
public struct ReplayOutcome: Sendable, Equatable {
    public var queued: Int
    public var skippedByRoutes: Int
    /// Of those queued, withdrawals the routes would not send, queued because the destination
    /// has their original (as at ingest: a withdrawal follows its original).
    public var withdrawalsFollowingOriginals: Int

    public init(queued: Int, skippedByRoutes: Int, withdrawalsFollowingOriginals: Int) {
        self.queued = queued
        self.skippedByRoutes = skippedByRoutes
        self.withdrawalsFollowingOriginals = withdrawalsFollowingOriginals
    }
}
