/// A record that passed the spec's checks, ready to be stored as a version.
public struct ValidatedRecord: Sendable, Hashable {
    public var dataset: DatasetID
    /// The business key, its fields joined by `|` in the spec's order.
    public var businessKey: String
    /// GB/T 2260 code the record concerns, from the dataset's region field.
    public var regionCode: String?
    /// GB/T 4754 industry code, from the dataset's industry field, for routing.
    public var industryCode: String?
    /// The record exactly as it arrived in the batch, as JSON.
    public var rawPayload: String
    /// The record in the common spec's shape: field code → value, canonical JSON with sorted keys.
    public var normalizedPayload: String
    /// The fields the dataset does not define that the record kept, canonical JSON (name → text);
    /// nil when none. Beside the spec's fields, never mixed into them.
    public var extraPayload: String?
    /// Lower-case hex SHA-256 of `normalizedPayload` (and `extraPayload`, when there is one):
    /// equal content, equal hash.
    public var contentHash: String
    /// The spec version the record was checked against.
    public var specVersion: String
    /// For a record mapped from a platform's own payload: the mapping file's version and the
    /// path of the source object in the payload (the payload itself is kept beside the batch).
    public var mapping: MappingProvenance?
    /// The verified detached signature and its evidence (canonical JSON), when the record was signed.
    public var signature: String?
    /// The record this one withdraws, when its dataset withdraws another's records.
    public var withdraws: WithdrawnRecord?
    /// The subject code this record lists as barred from tendering, when its dataset is a list.
    public var listedSubject: String?

    public init(dataset: DatasetID, businessKey: String, regionCode: String?, industryCode: String? = nil, rawPayload: String, normalizedPayload: String, contentHash: String, specVersion: String, mapping: MappingProvenance? = nil, signature: String? = nil,
                withdraws: WithdrawnRecord? = nil, listedSubject: String? = nil, extraPayload: String? = nil) {
        self.extraPayload = extraPayload
        self.dataset = dataset
        self.businessKey = businessKey
        self.regionCode = regionCode
        self.industryCode = industryCode
        self.rawPayload = rawPayload
        self.normalizedPayload = normalizedPayload
        self.contentHash = contentHash
        self.specVersion = specVersion
        self.mapping = mapping
        self.signature = signature
        self.withdraws = withdraws
        self.listedSubject = listedSubject
    }
}

/// Where a mapped record came from: which mapping made it, from which part of the payload.
public struct MappingProvenance: Sendable, Hashable {
    public var mappingVersion: String
    public var sourcePath: String

    public init(mappingVersion: String, sourcePath: String) {
        self.mappingVersion = mappingVersion
        self.sourcePath = sourcePath
    }
}
