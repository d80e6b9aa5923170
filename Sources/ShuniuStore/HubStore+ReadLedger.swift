import ShuniuCore

/// The SQLite engine's record of reads and disputes (HubStore+Feed.swift, +Disputes.swift).
extension HubStore: ReadLedger {}
