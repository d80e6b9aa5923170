/// What a replay did: versions queued, and versions the destination's routes would not send.
public struct ReplayOutcome: Sendable, Equatable {
    public var queued: Int
    public var skippedByRoutes: Int
    /// Of those queued, withdrawals the routes would not send, queued because the destination
    /// has their original (as at ingest: a withdrawal follows its original).
    public var withdrawalsFollowingOriginals: Int

    /// A value with every field given (an engine reading its rows).
    public init(queued: Int, skippedByRoutes: Int, withdrawalsFollowingOriginals: Int) {
        self.queued = queued
        self.skippedByRoutes = skippedByRoutes
        self.withdrawalsFollowingOriginals = withdrawalsFollowingOriginals
    }
}
