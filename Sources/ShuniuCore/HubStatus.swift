import Foundation

/// What the hub holds, for `shuniu status`, on whichever engine.
public struct HubStatus: Codable, Sendable {
    /// Records and versions per dataset and source platform.
    public struct Holding: Codable, Sendable, Hashable {
        public var dataset: String
        public var platform: String
        public var records: Int
        public var versions: Int

        /// A value with every field given (an engine reading its rows).
        public init(dataset: String, platform: String, records: Int, versions: Int) {
            self.dataset = dataset
            self.platform = platform
            self.records = records
            self.versions = versions
        }
    }

    /// Each registered platform and when it last sent a batch.
    public struct PlatformActivity: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var status: String
        public var certifiedUntil: String
        public var lastIngestAt: Date?

        /// A value with every field given (an engine reading its rows).
        public init(id: String, name: String, status: String, certifiedUntil: String, lastIngestAt: Date? = nil) {
            self.id = id
            self.name = name
            self.status = status
            self.certifiedUntil = certifiedUntil
            self.lastIngestAt = lastIngestAt
        }
    }

    /// Each consumer and when it last had a read answered.
    public struct ConsumerActivity: Codable, Sendable, Hashable {
        public var id: String
        public var name: String
        public var status: String
        public var lastReadAt: Date?

        /// A value with every field given (an engine reading its rows).
        public init(id: String, name: String, status: String, lastReadAt: Date? = nil) {
            self.id = id
            self.name = name
            self.status = status
            self.lastReadAt = lastReadAt
        }
    }

    /// The engine holding the store (`sqlite`, `postgres`) and where: a file's path, or a
    /// database's address without its password.
    public var engine: String
    public var location: String
    /// The store's size, as its engine counts it.
    public var storeBytes: Int64
    public var records: Int
    public var versions: Int
    public var holdings: [Holding]
    public var platforms: [PlatformActivity]
    public var consumers: [ConsumerActivity]
    /// Open disputes by the platform whose records they concern.
    public var openDisputes: [String: Int]
    public var auditEntries: Int

    /// A value with every field given (an engine reading its rows).
    public init(
        engine: String, location: String, storeBytes: Int64, records: Int, versions: Int, holdings: [Holding],
        platforms: [PlatformActivity], consumers: [ConsumerActivity], openDisputes: [String: Int], auditEntries: Int
    ) {
        self.engine = engine
        self.location = location
        self.storeBytes = storeBytes
        self.records = records
        self.versions = versions
        self.holdings = holdings
        self.platforms = platforms
        self.consumers = consumers
        self.openDisputes = openDisputes
        self.auditEntries = auditEntries
    }
}
