import ShuniuCore

/// The SQLite engine's ingest ledger (HubStore+Ingest.swift, +Records.swift, +Listings.swift).
extension HubStore: IngestLedger {}
