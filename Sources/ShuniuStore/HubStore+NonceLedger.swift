import ShuniuCore

/// The SQLite engine's nonces (HubStore+Ingest.swift).
extension HubStore: NonceLedger {}
