/// Stored versions as readers see them: the feed in commit order, one record's history, and
/// the marks (open disputes, withdrawals) shown beside them.
///
/// The feed's guarantee, on every engine and however many instances write: a reader that
/// follows `next` from page to page sees every version once, in sequence order, with no gap
/// left by a commit that finished after a later one.
public protocol FeedSource: Sendable {
    /// One page of versions after the query's cursor.
    func feedPage(_ query: FeedQuery) async throws -> FeedPage

    /// Every version of one record, oldest first.
    func versions(dataset: DatasetID, key: String) async throws -> [StoredVersion]

    /// Open disputes by record (hub id).
    func openDisputes(records: Set<Int64>) async throws -> [Int64: [Dispute]]

    /// The withdrawals of each of `records` (by hub id), oldest first.
    func withdrawals(records: Set<Int64>) async throws -> [Int64: [Withdrawal]]
}
