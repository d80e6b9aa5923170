import ShuniuAuth
import ShuniuCore

/// Why a read (feed, record, versions, dispute) was refused. The API maps each code to its
/// HTTP status; the refusal is audited.
public struct ReadRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Stable codes, documented in the README; new ones are added, never renamed.
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A query parameter or body field is malformed (the message names it).
        public static let badQuery = Code(rawValue: "read.bad_query")
        public static let unknownDataset = Code(rawValue: "read.unknown_dataset")
        public static let notFound = Code(rawValue: "read.not_found")
        /// Too many requests this minute: wait `Retry-After` seconds.
        public static let rateLimited = Code(rawValue: "read.rate_limited")
        /// The caller's address was refused too often this minute: turned away unread (as for pushes).
        public static let tooManyRefusals = Code(rawValue: RefusalTally.turnedAwayCode)
        /// 不予共享: the dataset never leaves the hub.
        public static let notShared = Code(rawValue: "sharing.not_shared")
        /// 有条件共享 and no grant in force for this consumer.
        public static let grantRequired = Code(rawValue: "sharing.grant_required")
        public static let consumerSuspended = Code(rawValue: "consumer.suspended")
        /// The body of a dispute is malformed, or names a field the dataset does not have.
        public static let invalidDispute = Code(rawValue: "dispute.invalid")
    }

    public var code: Code
    public var message: String
    /// For ``Code/rateLimited``: whole seconds until a request will be taken.
    public var retryAfterSeconds: Int?

    public init(_ code: Code, _ message: String, retryAfterSeconds: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// An authentication refusal, under the same codes as ingest (`auth.*`).
    init(_ refusal: AuthRefusal) {
        self.init(Code(rawValue: refusal.code.rawValue), refusal.message)
    }

    /// The refusal as the caller is told it: an unknown app key or certificate answers exactly as
    /// a bad signature (``AuthRefusal/answered``); the audit log keeps the refusal itself.
    public var answered: ReadRefusal {
        let auth = AuthRefusal.Code(rawValue: code.rawValue)
        guard AuthRefusal.Code.answeredAsBadSignature.contains(auth) else { return self }
        return ReadRefusal(AuthRefusal(auth, message).answered)
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
