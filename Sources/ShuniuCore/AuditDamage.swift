/// One kind of damage `shuniu audit verify` found: how often, and the first few places.
public struct AuditDamage: Codable, Sendable, Equatable {
    /// A kind of damage, named as `audit verify` prints it.
    public struct Kind: RawRepresentable, Codable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// An entry whose hash does not match its fields (under the key, once keyed), or that
        /// does not follow the entry before it.
        public static let chainBroken = Kind(rawValue: "chain.broken")
        /// A checkpoint names entries past the chain's end: entries were removed from the end.
        public static let chainTruncated = Kind(rawValue: "chain.truncated")
        /// The entry a checkpoint names has another hash, is gone, or has another number of
        /// entries before it: the chain was rewritten up to there.
        public static let chainRewritten = Kind(rawValue: "chain.rewritten")
        /// The chain says it is keyed from another entry than checkpoints recorded (a downgrade).
        public static let chainRekeyed = Kind(rawValue: "chain.rekeyed")
        /// The chain is keyed and no key was given: keyed entries' hashes could not be checked.
        public static let keyMissing = Kind(rawValue: "key.missing")
        /// The key given is not the one the chain's marker names, or the marker was changed.
        public static let keyMismatch = Kind(rawValue: "key.mismatch")
        /// A checkpoint line that does not parse or whose MAC does not match.
        public static let checkpointForged = Kind(rawValue: "checkpoint.forged")
        /// A record version no `ingest.batch` entry accepted.
        public static let versionUnaudited = Kind(rawValue: "version.unaudited")
        /// A record version that differs from what its `ingest.batch` entry recorded, or whose
        /// content hash does not match its payload.
        public static let versionAltered = Kind(rawValue: "version.altered")
        /// A version an `ingest.batch` entry accepted, or a record's latest version, is gone.
        public static let versionMissing = Kind(rawValue: "version.missing")
        /// A record's owner is not the platform that sent its first version.
        public static let recordOwnerChanged = Kind(rawValue: "record.owner_changed")
        /// A record's latest version or hash is not its newest stored version's.
        public static let recordLatestChanged = Kind(rawValue: "record.latest_changed")
        /// A delivery of a version that is gone or belongs to another record.
        public static let deliveryOrphaned = Kind(rawValue: "delivery.orphaned")
        /// A destination an `ingest.batch` entry routed a version to has no delivery of it.
        public static let deliveryMissing = Kind(rawValue: "delivery.missing")
    }

    public var kind: Kind
    /// How many places.
    public var count: Int
    /// The first few places (`entry 123`, `500/E42…|v2`), in the order found.
    public var examples: [String]

    public init(kind: Kind, count: Int, examples: [String]) {
        self.kind = kind
        self.count = count
        self.examples = examples
    }
}
