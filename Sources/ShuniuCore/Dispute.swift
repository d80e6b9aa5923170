import Foundation

/// A doubt raised about a record (疑义校核): a consumer reports that a field looks wrong. It is
/// routed to the record's source platform and marked on the record until a version that changes
/// the field arrives (closing it as `corrected`) or an operator rejects it with a reason. Nothing is
/// ever deleted: the dispute, its answer and the versions stay.
public struct Dispute: Codable, Sendable, Hashable {
    public var id: Int64
    public var dataset: DatasetID
    public var key: String
    /// The platform whose record it is: whose operators answer it.
    public var platform: String
    /// The version the consumer looked at.
    public var version: Int
    /// The field code in doubt, with the spec's label when it has one.
    public var field: String
    public var fieldLabel: String?
    public var reason: String
    /// Who raised it: a consumer id.
    public var raisedBy: String
    public var raisedAt: Date
    public var status: DisputeStatus
    /// Who closed it (an operator, or `platform` for a corrected version), when and why.
    public var resolvedBy: String?
    public var resolvedAt: Date?
    public var resolution: String?
    /// The version that corrected the record, when one did.
    public var correctedVersion: Int?

    public init(
        id: Int64 = 0, dataset: DatasetID, key: String, platform: String, version: Int, field: String, fieldLabel: String?,
        reason: String, raisedBy: String, raisedAt: Date, status: DisputeStatus = .open, resolvedBy: String? = nil,
        resolvedAt: Date? = nil, resolution: String? = nil, correctedVersion: Int? = nil
    ) {
        self.id = id
        self.dataset = dataset
        self.key = key
        self.platform = platform
        self.version = version
        self.field = field
        self.fieldLabel = fieldLabel
        self.reason = reason
        self.raisedBy = raisedBy
        self.raisedAt = raisedAt
        self.status = status
        self.resolvedBy = resolvedBy
        self.resolvedAt = resolvedAt
        self.resolution = resolution
        self.correctedVersion = correctedVersion
    }
}

/// Where a dispute stands.
public enum DisputeStatus: String, Codable, Sendable, CaseIterable {
    /// Raised, not yet answered: marked on the record.
    case open
    /// Closed by a new version from its source platform that changes the disputed field.
    case corrected
    /// Closed by an operator with a reason; the record stands as it is.
    case rejected
}
