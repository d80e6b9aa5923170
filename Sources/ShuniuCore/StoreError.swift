/// An error of the store: a stable code, a message, and the engine's cause (SQLite's) when there is one.
/// Every engine throws these codes, so that callers answer alike whichever engine holds the data.
public struct StoreError: Error, Sendable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let platformExists = Code(rawValue: "store.platform_exists")
        public static let appKeyExists = Code(rawValue: "store.app_key_exists")
        public static let platformNotFound = Code(rawValue: "store.platform_not_found")
        /// No space for the write: the disk, or the store's configured size limit.
        public static let full = Code(rawValue: "store.full")
        /// The store cannot be written: read-only, an I/O error, locked by another process.
        public static let unavailable = Code(rawValue: "store.unavailable")
        /// An operator's change that makes no sense as asked (a platform succeeding itself, twice).
        public static let invalidChange = Code(rawValue: "store.invalid_change")
        public static let nonceReused = Code(rawValue: "store.nonce_reused")
        public static let cannotOpen = Code(rawValue: "store.cannot_open")
        public static let notFound = Code(rawValue: "store.not_found")
        public static let corruptRow = Code(rawValue: "store.corrupt_row")
        /// The certificate is already registered (in force) for a platform.
        public static let certificateRegistered = Code(rawValue: "store.certificate_registered")
        /// No registration in force of that certificate for that platform.
        public static let certificateNotFound = Code(rawValue: "store.certificate_not_found")
        public static let consumerExists = Code(rawValue: "store.consumer_exists")
        public static let consumerNotFound = Code(rawValue: "store.consumer_not_found")
        public static let grantNotFound = Code(rawValue: "store.grant_not_found")
        public static let recordNotFound = Code(rawValue: "store.record_not_found")
        public static let disputeNotFound = Code(rawValue: "store.dispute_not_found")
        /// The dispute was closed already (corrected or rejected).
        public static let disputeClosed = Code(rawValue: "store.dispute_closed")
        /// A backup's target exists already.
        public static let backupExists = Code(rawValue: "store.backup_exists")
        /// A backup file fails its checks (integrity, audit chain, schema): nothing was changed.
        public static let backupUnsound = Code(rawValue: "store.backup_unsound")
        /// The engine makes no backups of its own (PostgreSQL: its own tools do): the message
        /// says what to run instead. Nothing was changed.
        public static let backupUnsupported = Code(rawValue: "store.backup_unsupported")
        /// The audit key file is missing, unreadable, too widely readable, or not the chain's key.
        public static let auditKey = Code(rawValue: "store.audit_key")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error)?

    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        if let cause { return "\(message) (\(cause))" }
        return message
    }
}
