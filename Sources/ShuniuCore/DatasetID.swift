/// A dataset (数据集, "data class") of the common spec, by its national number: `500`, `501`, ….
public struct DatasetID: RawRepresentable, Codable, Sendable, Hashable, Comparable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: DatasetID, rhs: DatasetID) -> Bool {
        (Int(lhs.rawValue) ?? Int.max, lhs.rawValue) < (Int(rhs.rawValue) ?? Int.max, rhs.rawValue)
    }
}
