import ShuniuCore

/// What the ingest path needs of the store: the ledger it commits to, the nonces it checks, the
/// platforms it authenticates and the audit trail it writes. Any engine that keeps those ports'
/// guarantees will do.
public typealias IngestStore = IngestLedger & NonceLedger & PlatformDirectory & AuditLog
