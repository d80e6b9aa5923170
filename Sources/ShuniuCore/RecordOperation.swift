/// What a platform asks of one record, as the spec's DATA_TYPE says it: 1 insert, 2 update,
/// 3 delete. A record that names none is an insert or an update, whichever its identity makes it.
public enum RecordOperation: String, Codable, Sendable, CaseIterable {
    /// A new record (DATA_TYPE 1): refused when a live record has its identity.
    case insert
    /// A new version of a record the hub holds (DATA_TYPE 2): refused when there is none.
    case update
    /// A tombstone (DATA_TYPE 3): a new version that marks the record deleted; nothing is erased.
    case delete

    /// The operation an envelope's `operation` names: `insert`, `update`, `delete`, or the
    /// spec's DATA_TYPE number `1`, `2`, `3`.
    public init?(envelope text: String) {
        switch text.trimmedWhitespace.lowercased() {
        case "insert", "1": self = .insert
        case "update", "2": self = .update
        case "delete", "3": self = .delete
        default: return nil
        }
    }
}

/// The sender's own id of a record (the spec's DATA_KEY), as the hub keeps it: scoped to the
/// platform that sent it, so that two platforms' equal ids name two records.
public enum DataKey {
    /// The envelope member and the mapping target that carry it.
    public static let envelopeMember = "dataKey"
    public static let fieldName = "DATA_KEY"
    /// The mapping target that carries the operation (the spec's DATA_TYPE).
    public static let operationFieldName = "DATA_TYPE"
    /// Longest DATA_KEY accepted, in characters (the spec's are 22).
    public static let maxLength = 100

    /// The key part that stands for a DATA_KEY in a record's key: `<platform>:<DATA_KEY>`.
    public static func scoped(_ dataKey: String, platform: PlatformID) -> String {
        "\(platform.rawValue):\(dataKey)"
    }

    /// Why `text` cannot be a DATA_KEY, or nil when it can: 1 to ``maxLength`` characters, no
    /// control or blank characters, no `|` (which joins a key's parts).
    public static func problem(in text: String) -> String? {
        if text.isEmpty { return "is empty" }
        if text.count > maxLength { return "has \(text.count) characters; at most \(maxLength) are accepted" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control || $0.properties.isWhitespace || $0 == "|" }) {
            return "holds a blank, control character or |"
        }
        return nil
    }
}
