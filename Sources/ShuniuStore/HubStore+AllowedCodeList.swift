import ShuniuCore

/// The SQLite engine's allowed code list (HubStore+AllowedCodes.swift).
extension HubStore: AllowedCodeList {}
