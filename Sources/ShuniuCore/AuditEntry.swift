import Foundation

/// One line of the append-only, hash-chained audit log.
///
/// `hash` is HMAC-SHA256, under the audit key kept outside the store, over the previous entry's
/// hash and this entry's fields (plain SHA-256 for entries from before the chain was keyed), so
/// changing or removing any entry breaks the chain from there on, and removing the newest ones
/// is seen against the signed checkpoints (see `shuniu audit verify`).
public struct AuditEntry: Codable, Sendable, Hashable {
    public var id: Int64
    public var at: Date
    public var actorKind: ActorKind
    /// Platform code, operator name, or `-` for an unidentified caller.
    public var actor: String
    /// What happened: `ingest.batch`, `ingest.refused`, `platform.add`, ….
    public var action: String
    /// `ok`, or the refusal or error code.
    public var outcome: String
    /// What it concerned (a platform code, a dataset and key…), when one thing.
    public var subject: String?
    /// The caller's network address, for requests.
    public var address: String?
    /// Further facts as JSON: per-record results of a batch, changed fields of an operator action.
    public var detail: String
    public var previousHash: String
    public var hash: String

    public init(id: Int64, at: Date, actorKind: ActorKind, actor: String, action: String, outcome: String, subject: String?, address: String?, detail: String, previousHash: String, hash: String) {
        self.id = id
        self.at = at
        self.actorKind = actorKind
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.subject = subject
        self.address = address
        self.detail = detail
        self.previousHash = previousHash
        self.hash = hash
    }
}

/// Who did an audited thing.
public enum ActorKind: String, Codable, Sendable {
    case platform
    /// A registered reader: a superior hub, a supervision platform.
    case consumer
    case `operator`
    case system
    /// A caller the hub could not identify (unknown app key, missing headers).
    case anonymous
}

/// An audit entry about to be appended; the store numbers, times and chains it.
public struct AuditEvent: Sendable, Hashable {
    public var actorKind: ActorKind
    public var actor: String
    public var action: String
    public var outcome: String
    public var subject: String?
    public var address: String?
    public var detail: String

    public init(actorKind: ActorKind, actor: String, action: String, outcome: String = "ok", subject: String? = nil, address: String? = nil, detail: String = "{}") {
        self.actorKind = actorKind
        self.actor = actor
        self.action = action
        self.outcome = outcome
        self.subject = subject
        self.address = address
        self.detail = detail
    }
}
