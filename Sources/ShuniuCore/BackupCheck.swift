import Foundation

/// What a backup holds, checked on the copy itself (an engine that makes its own copies).
public struct BackupCheck: Codable, Sendable {
    public var file: String
    public var bytes: Int64
    /// The engine's own integrity check of the copy (SQLite's `PRAGMA integrity_check`): "ok" for a sound copy.
    public var integrity: String
    public var versions: Int
    public var deliveriesWaiting: Int
    public var audit: AuditChainReport
    /// Schema migrations the file has, in order.
    public var migrations: [String]

    public var isSound: Bool { integrity == "ok" && audit.intact }

    /// `intact`, or each kind of damage with its count and first place.
    public var auditSummary: String {
        guard !audit.intact else { return "intact" }
        return audit.damage.map { "\($0.kind.rawValue) \($0.count) (\($0.examples.first ?? ""))" }.joined(separator: "; ")
    }

    /// A value with every field given (an engine reading its rows).
    public init(file: String, bytes: Int64, integrity: String, versions: Int, deliveriesWaiting: Int, audit: AuditChainReport, migrations: [String]) {
        self.file = file
        self.bytes = bytes
        self.integrity = integrity
        self.versions = versions
        self.deliveriesWaiting = deliveriesWaiting
        self.audit = audit
        self.migrations = migrations
    }
}
