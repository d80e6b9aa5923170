/// A code list (代码表): allowed values and their Chinese meanings.
public struct CodeList: Codable, Sendable {
    public var name: String
    public var label: String
    public var values: [String: String]

    public func contains(_ value: String) -> Bool { values[value] != nil }

    /// `1 公开招标, 2 邀请招标, 9 其他`, for messages.
    public var summary: String {
        values.keys.sorted().map { "\($0) \(values[$0]!)" }.joined(separator: ", ")
    }
}
