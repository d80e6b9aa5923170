import Foundation

/// An approved grant (共享授权): it opens one conditionally shared dataset to one consumer for a
/// stated purpose (使用用途) until an expiry — and, when `personalData` is set, shows that
/// dataset's personal fields unmasked; when `government` is set, its 政务公开 fields. A revoked or expired grant opens nothing; its row stays.
public struct DataGrant: Codable, Sendable, Hashable {
    /// The store's row number.
    public var id: Int64
    public var consumer: String
    public var dataset: DatasetID
    /// 使用用途, as the consumer stated it.
    public var purpose: String
    /// True when the grant covers the dataset's personal fields (ID numbers, telephones…).
    public var personalData: Bool
    /// True when the grant opens the dataset's 政务公开 fields (government use); without it a
    /// reader sees only the 社会公开 ones, the others masked.
    public var government: Bool
    /// The operator who approved it.
    public var approvedBy: String
    public var grantedAt: Date
    public var expiresAt: Date
    public var revokedBy: String?
    public var revokedAt: Date?
    public var revokedReason: String?

    public init(
        id: Int64 = 0, consumer: String, dataset: DatasetID, purpose: String, personalData: Bool, approvedBy: String,
        grantedAt: Date, expiresAt: Date, revokedBy: String? = nil, revokedAt: Date? = nil, revokedReason: String? = nil,
        government: Bool = false
    ) {
        self.government = government
        self.id = id
        self.consumer = consumer
        self.dataset = dataset
        self.purpose = purpose
        self.personalData = personalData
        self.approvedBy = approvedBy
        self.grantedAt = grantedAt
        self.expiresAt = expiresAt
        self.revokedBy = revokedBy
        self.revokedAt = revokedAt
        self.revokedReason = revokedReason
    }

    /// True when the grant opens its dataset at `instant`: not revoked, not expired.
    public func isInForce(at instant: Date) -> Bool {
        revokedAt == nil && grantedAt <= instant && instant < expiresAt
    }
}
