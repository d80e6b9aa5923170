import Foundation

/// Where accepted records are kept: each batch committed whole, and what the reference rules
/// need to read back.
///
/// Every engine must keep these guarantees, whichever instance commits:
/// - **One transaction per batch**: its versions, outbox rows, nonce and `ingest.batch` audit
///   entry are stored together or not at all.
/// - **一数一源**: a record belongs to the platform that stored its first version (or one it
///   succeeds); another platform's version of it is rejected, not stored.
/// - **Duplicates are not versions**: content equal to the record's latest version is answered
///   as a duplicate and stores nothing.
/// - **A nonce is used once**: a second commit with the same app key and nonce is refused with
///   ``StoreError/Code/nonceReused`` and stores nothing, even when both commits race.
/// - **Versions are numbered in commit order** (``StoredVersion/sequence``), and never changed
///   or removed.
public protocol IngestLedger: Sendable {
    /// Stores the batch's valid items in one transaction; answers one result per item, in order.
    func commitIngest(_ commit: IngestCommit, receivedAt: Date) async throws -> [RecordResult]

    /// The latest fields of the records that lookups name (deleted records name nothing).
    func latestFields(_ lookups: Set<RecordLookup>) async throws -> [RecordLookup: [LatestFields]]

    /// Every record that ever listed one of `codes`, by code; a deleted record lists no one.
    func listings(of codes: Set<String>) async throws -> [String: [SubjectListing]]
}
