/// What the hub did with one record of a batch.
public enum RecordStatus: String, Codable, Sendable {
    /// Stored as a new version.
    case accepted
    /// Same content as the latest version: nothing new was stored.
    case duplicate
    /// Not stored; `problems` says why.
    case rejected
}

/// The answer for one record of an ingest batch, in the batch's order.
public struct RecordResult: Codable, Sendable, Hashable {
    /// Position of the record in the batch, from 0.
    public var index: Int
    public var dataset: DatasetID?
    /// The business key the hub derived from the record (`PROJECT_CODE`, …), when it could.
    public var key: String?
    public var status: RecordStatus
    /// The hub's id of the record (dataset + business key), stable across versions.
    public var hubId: Int64?
    /// The version number the content is stored as (1, 2, …).
    public var version: Int?
    public var problems: [Problem]?
    /// Stored, but something is worth knowing: a publication deadline was missed.
    public var warnings: [Problem]?

    public init(index: Int, dataset: DatasetID?, key: String?, status: RecordStatus, hubId: Int64? = nil, version: Int? = nil, problems: [Problem]? = nil) {
        self.index = index
        self.dataset = dataset
        self.key = key
        self.status = status
        self.hubId = hubId
        self.version = version
        self.problems = problems
    }
}
