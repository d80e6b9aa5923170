/// A record as the ledger holds it, as ingest finds it for a new version: by its DATA_KEY when
/// its dataset is identified so (scoped to the sender and the platforms it succeeds), else by its key.
public struct HeldRecord: Sendable, Equatable {
    public var id: Int64
    public var key: String
    /// The platform that sent its first version (一数一源).
    public var owner: String
    public var latestVersion: Int
    public var latestHash: String
    public var dataKey: String?
    /// The latest version is a tombstone.
    public var deleted: Bool
    public var regionCode: String?

    public init(
        id: Int64, key: String, owner: String, latestVersion: Int, latestHash: String, dataKey: String?, deleted: Bool, regionCode: String?
    ) {
        self.id = id
        self.key = key
        self.owner = owner
        self.latestVersion = latestVersion
        self.latestHash = latestHash
        self.dataKey = dataKey
        self.deleted = deleted
        self.regionCode = regionCode
    }

    /// What an update would change of the record's identity, or nil: its key fields (the ones
    /// before a DATA_KEY member, whose platform scope may be a predecessor's), or its DATA_KEY.
    public func keyChange(to record: ValidatedRecord) -> String? {
        if let stored = dataKey, let sent = record.dataKey, stored != sent {
            return "its DATA_KEY is \(stored), not \(sent)"
        }
        guard !record.businessKey.isEmpty else { return nil }
        func fields(_ key: String) -> String {
            record.identifiedByDataKey ? key.split(separator: "|", omittingEmptySubsequences: false).dropLast().joined(separator: "|") : key
        }
        return fields(key) == fields(record.businessKey) ? nil : "its key is \(key), this version's would be \(record.businessKey)"
    }
}
