import Foundation

/// One stored version of a record, with its provenance.
public struct StoredVersion: Codable, Sendable, Hashable {
    /// Position in commit order across the whole hub.
    public var sequence: Int64
    public var hubId: Int64
    public var dataset: DatasetID
    public var businessKey: String
    public var version: Int
    public var sourcePlatform: String
    public var regionCode: String?
    public var rawPayload: String
    public var normalizedPayload: String
    public var contentHash: String
    public var specVersion: String
    public var receivedAt: Date
    /// For a mapped record: the mapping file's version, the source object's payload path, and
    /// the stored payload it came from.
    public var mappingVersion: String?
    public var sourcePath: String?
    public var payloadID: Int64?
    /// The verified detached signature with its evidence (canonical JSON), when signed.
    public var signature: String?
    /// The warnings the version was accepted with (JSON array of problems: missed deadlines,
    /// listed participants), for the supervisors it travels to; nil when none.
    public var flags: String?
    /// Fields the record carried that its dataset does not define (canonical JSON object of
    /// name → text), kept beside the spec's fields; nil when none.
    public var extra: String?
    /// The sender's own id of the record (the spec's DATA_KEY), when it gave one.
    public var dataKey: String? = nil
    /// What the version did: `insert` (a new record, or one deleted and sent again), `update`, or
    /// `delete` (a tombstone carrying the record's last content). Where the store holds none, the
    /// version number tells it: `insert` for version 1, `update` after.
    public var operation: RecordOperation = .insert

    public init(
        sequence: Int64, hubId: Int64, dataset: DatasetID, businessKey: String, version: Int, sourcePlatform: String, regionCode: String? = nil,
        rawPayload: String, normalizedPayload: String, contentHash: String, specVersion: String, receivedAt: Date,
        mappingVersion: String? = nil, sourcePath: String? = nil, payloadID: Int64? = nil, signature: String? = nil, flags: String? = nil,
        extra: String? = nil, dataKey: String? = nil, operation: RecordOperation = .insert
    ) {
        self.sequence = sequence
        self.hubId = hubId
        self.dataset = dataset
        self.businessKey = businessKey
        self.version = version
        self.sourcePlatform = sourcePlatform
        self.regionCode = regionCode
        self.rawPayload = rawPayload
        self.normalizedPayload = normalizedPayload
        self.contentHash = contentHash
        self.specVersion = specVersion
        self.receivedAt = receivedAt
        self.mappingVersion = mappingVersion
        self.sourcePath = sourcePath
        self.payloadID = payloadID
        self.signature = signature
        self.flags = flags
        self.extra = extra
        self.dataKey = dataKey
        self.operation = operation
    }

    /// True when this version is a tombstone: the record is deleted.
    public var isDeleted: Bool { operation == .delete }
}
