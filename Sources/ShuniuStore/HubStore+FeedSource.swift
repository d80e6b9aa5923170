import ShuniuCore

/// The SQLite engine's feed and record history (HubStore+Feed.swift, +Records.swift,
/// +Disputes.swift, +Withdrawals.swift).
extension HubStore: FeedSource {
    public func feedPage(_ query: FeedQuery) async throws -> FeedPage {
        try await feedPage(query, scanWindow: 100_000)
    }
}
