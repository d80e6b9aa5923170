import ShuniuCore

/// The SQLite engine's record archive (HubStore+Records.swift, +RecordDeliveries.swift, +Withdrawals.swift, +Disputes.swift).
extension HubStore: RecordArchive {}
