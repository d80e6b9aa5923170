import Foundation

/// Records, their deliveries and disputes as operators browse them (beside the feed's reads).
///
/// Every engine must keep these guarantees:
/// - **Reads never change anything**; rejecting a dispute is the one change here, audited as
///   `dispute.reject` in its transaction. Rejecting an unknown dispute throws
///   ``StoreError/Code/disputeNotFound``, a closed one ``StoreError/Code/disputeClosed``.
/// - ``versionCount()`` counts every version stored, on every instance's commits.
/// - **Overdue withdrawals** are the withdrawals' deliveries enqueued before the cutoff and not
///   delivered (waiting, retrying or dead), per destination: what `shuniu status` warns of.
public protocol RecordArchive: FeedSource {
    /// How many versions the hub holds in all.
    func versionCount() async throws -> Int

    /// A stored payload's bytes exactly as the platform sent them.
    func rawPayload(id: Int64) async throws -> RawPayload?

    /// Every delivery of every version of one record (by hub id), by destination then enqueue order.
    func deliveries(ofRecord recordID: Int64) async throws -> [RecordDelivery]

    /// Deliveries of `dataset`'s withdrawals enqueued before `cutoff` and not delivered yet.
    func overdueWithdrawals(dataset: DatasetID, enqueuedBefore cutoff: Date) async throws -> [OverdueWithdrawals]

    /// Disputes, newest first, optionally of one platform's records or in one status.
    func disputes(platform: String?, status: DisputeStatus?, limit: Int) async throws -> [Dispute]

    /// One dispute, by id.
    func dispute(_ id: Int64) async throws -> Dispute?

    /// Closes an open dispute as rejected, with the operator's reason.
    func rejectDispute(_ id: Int64, by operatorName: String, reason: String) async throws -> Dispute
}

extension RecordArchive {
    /// The latest version of one record, if the hub has it.
    public func latestVersion(dataset: DatasetID, key: String) async throws -> StoredVersion? {
        try await versions(dataset: dataset, key: key).last
    }

    /// The newest 200 disputes, optionally filtered.
    public func disputes(platform: String? = nil, status: DisputeStatus? = nil) async throws -> [Dispute] {
        try await disputes(platform: platform, status: status, limit: 200)
    }
}
