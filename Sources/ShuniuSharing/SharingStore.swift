import ShuniuCore

/// What the read side needs of the store: the feed and records it serves, the consumers and
/// grants it checks, the nonces and audit entries its reads leave. Any engine that keeps those
/// ports' guarantees will do.
public typealias SharingStore = FeedSource & ReadLedger & ConsumerDirectory & NonceLedger & AuditLog
