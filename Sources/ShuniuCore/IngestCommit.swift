/// One authenticated batch, checked against the spec, ready to commit in one transaction.
public struct IngestCommit: Sendable {
    /// One record of the batch: either valid and to be stored, or already rejected.
    public enum Item: Sendable {
        /// `destinations`: where the new version is to be delivered (the outbox rows);
        /// `warnings`: missed deadlines and the like, answered and audited but not refusing.
        case valid(index: Int, record: ValidatedRecord, destinations: [String], warnings: [Problem] = [])
        case rejected(index: Int, dataset: DatasetID?, key: String?, problems: [Problem])
    }

    public var platform: PlatformID
    /// Platforms the sender succeeds: their records it may send new versions of (一数一源 holds
    /// through a merger the operators registered).
    public var predecessors: [PlatformID] = []
    /// The namespace of the nonce: the platform's app key, whichever way the request was signed.
    public var appKey: String
    public var nonce: String
    /// The fingerprint of the certificate that signed the request; nil for HMAC.
    public var certificate: String?
    /// The caller's address, for the audit entry.
    public var address: String?
    public var items: [Item]
    /// The platform's own payload when the records were mapped from it; stored once, verbatim.
    public var payload: RawPayload?
    /// Set when a pull connector fetched the batch instead of the platform pushing it.
    public var pulled: PullProvenance?

    public init(
        platform: PlatformID, appKey: String, nonce: String, address: String?, items: [Item], payload: RawPayload? = nil, certificate: String? = nil,
        pulled: PullProvenance? = nil
    ) {
        self.payload = payload
        self.pulled = pulled
        self.certificate = certificate
        self.platform = platform
        self.appKey = appKey
        self.nonce = nonce
        self.address = address
        self.items = items
    }
}

/// A payload exactly as a platform sent it, before mapping.
public struct RawPayload: Sendable {
    /// `json` or `xml`.
    public var format: String
    public var body: [UInt8]
    /// Lower-case hex SHA-256 of `body`.
    public var sha256: String

    public init(format: String, body: [UInt8], sha256: String) {
        self.format = format
        self.body = body
        self.sha256 = sha256
    }
}
