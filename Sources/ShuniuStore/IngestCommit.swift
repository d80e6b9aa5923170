import ShuniuCore

/// One authenticated batch, checked against the spec, ready to commit in one transaction.
public struct IngestCommit: Sendable {
    /// One record of the batch: either valid and to be stored, or already rejected.
    public enum Item: Sendable {
        /// `destinations`: where the new version is to be delivered (the outbox rows).
        case valid(index: Int, record: ValidatedRecord, destinations: [String])
        case rejected(index: Int, dataset: DatasetID?, key: String?, problems: [Problem])
    }

    public var platform: PlatformID
    public var appKey: String
    public var nonce: String
    /// The caller's address, for the audit entry.
    public var address: String?
    public var items: [Item]

    public init(platform: PlatformID, appKey: String, nonce: String, address: String?, items: [Item]) {
        self.platform = platform
        self.appKey = appKey
        self.nonce = nonce
        self.address = address
        self.items = items
    }
}
