/// A dataset (数据集, "data class") of the common spec, by its national number: `500`, `501`, ….
public struct DatasetID: StringIdentifier, Comparable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// Numeric order (`99` before `500`), text order among equal numbers.
    public static func < (lhs: DatasetID, rhs: DatasetID) -> Bool {
        (Int(lhs.rawValue) ?? Int.max, lhs.rawValue) < (Int(rhs.rawValue) ?? Int.max, rhs.rawValue)
    }
}
