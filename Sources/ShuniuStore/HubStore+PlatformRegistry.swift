import ShuniuCore

/// The SQLite engine's platform registry (HubStore+Platforms.swift, +PlatformCertificates.swift).
extension HubStore: PlatformRegistry {}
