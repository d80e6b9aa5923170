/// What `shuniu audit verify` found: the chain, its checkpoints, and the versions, records and
/// deliveries checked against the entries that created them.
public struct AuditChainReport: Codable, Sendable {
    /// Entries checked.
    public var entries: Int
    /// The first keyed entry; nil for a chain not keyed yet (a store older than keying).
    public var keyedFrom: Int64?
    /// The id of the key the chain is keyed with.
    public var keyId: String?
    /// Checkpoints compared with the chain (those written since the last restore).
    public var checkpoints: Int
    public var versions: Int
    public var records: Int
    public var deliveries: Int
    /// What could not be checked, and why (no checkpoint file, …); not damage.
    public var notes: [String]
    /// Each kind of damage found, in a fixed order; empty for an intact store.
    public var damage: [AuditDamage]
    /// The first entry that does not match its hash or its predecessor, if any.
    public var firstBrokenID: Int64?
    /// True when no damage was found.
    public var intact: Bool

    public init(
        entries: Int = 0, keyedFrom: Int64? = nil, keyId: String? = nil, checkpoints: Int = 0, versions: Int = 0, records: Int = 0,
        deliveries: Int = 0, notes: [String] = [], damage: [AuditDamage] = [], firstBrokenID: Int64? = nil
    ) {
        self.entries = entries
        self.keyedFrom = keyedFrom
        self.keyId = keyId
        self.checkpoints = checkpoints
        self.versions = versions
        self.records = records
        self.deliveries = deliveries
        self.notes = notes
        self.damage = damage
        self.firstBrokenID = firstBrokenID
        self.intact = damage.isEmpty
    }

    /// The damage of one kind, if found.
    public func damage(_ kind: AuditDamage.Kind) -> AuditDamage? {
        damage.first { $0.kind == kind }
    }
}
