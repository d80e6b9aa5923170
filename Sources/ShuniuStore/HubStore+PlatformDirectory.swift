import ShuniuCore

/// The SQLite engine's platforms as requests read them (HubStore+Platforms.swift, +PlatformCertificates.swift).
extension HubStore: PlatformDirectory {}
