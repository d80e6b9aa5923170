/// A code list (代码表): allowed values and their Chinese meanings.
///
/// In YAML: `name`, `label`, and `values` as a list of `{code: "1", label: 公开招标}` —
/// codes are always quoted strings so that `01` and `1` stay distinct. A code that names a
/// person's document (居民身份证号, 护照…) says `personal: true`: a code typed so is masked.
///
/// `complete: false` marks a list whose official table is not (wholly) known: it holds the values
/// seen in practice, and a value it does not hold is accepted with a `code.unlisted` warning
/// rather than refused — refusing a real code would lose the record. A complete list (the
/// default) refuses an unlisted value with `field.code_list`.
public struct CodeList: Decodable, Sendable {
    public struct Entry: Codable, Sendable, Hashable {
        public var code: String
        public var label: String
        /// The code says the value it types identifies a natural person.
        public var personal: Bool?
    }

    public var name: String
    public var label: String
    public var entries: [Entry]
    /// The list holds every value of its official table.
    public var complete: Bool
    /// Code → label.
    public let values: [String: String]

    enum CodingKeys: String, CodingKey {
        case name, label, complete, values
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        label = try container.decode(String.self, forKey: .label)
        complete = try container.decodeIfPresent(Bool.self, forKey: .complete) ?? true
        entries = try container.decode([Entry].self, forKey: .values)
        values = Dictionary(entries.map { ($0.code, $0.label) }, uniquingKeysWith: { first, _ in first })
    }

    public func contains(_ value: String) -> Bool { values[value] != nil }

    /// The codes that say a value identifies a natural person.
    public var personalCodes: Set<String> {
        Set(entries.filter { $0.personal == true }.map(\.code))
    }

    public func label(of value: String) -> String? { values[value] }

    /// `1 公开招标, 2 邀请招标, 9 其他`, for messages; a long list names its first codes and
    /// how many there are.
    public var summary: String {
        let shown = entries.prefix(Self.summarized).map { "\($0.code) \($0.label)" }.joined(separator: ", ")
        return entries.count > Self.summarized ? "\(shown), … \(entries.count) codes in all" : shown
    }

    static let summarized = 12
}
