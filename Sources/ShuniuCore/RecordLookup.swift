/// Records of a dataset by whole business key or its leading fields.
public struct RecordLookup: Sendable, Hashable {
    public var dataset: DatasetID
    public var keyParts: [String]
    /// True when `keyParts` is the whole key.
    public var isWholeKey: Bool

    public init(dataset: DatasetID, keyParts: [String], isWholeKey: Bool) {
        self.dataset = dataset
        self.keyParts = keyParts
        self.isWholeKey = isWholeKey
    }
}
