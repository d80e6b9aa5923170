/// One field of a dataset, as the spec files declare it.
public struct FieldSpec: Codable, Sendable, Hashable {
    /// The UPPER_SNAKE field code (`PROJECT_CODE`).
    public var code: String
    /// The spec's Chinese label (项目编号).
    public var label: String
    public var type: FieldType
    public var required: Bool
    /// Exact length in characters, when fixed.
    public var length: Int?
    /// Maximum length in characters.
    public var maxLength: Int?
    /// For `code` fields: the code list's name.
    public var codeList: String?
    /// A regular expression the whole value must match (text fields).
    public var pattern: String?
    /// For decimals: must be greater than zero.
    public var positive: Bool
    /// Personal data (natural persons' ID numbers, phone numbers, names of contacts).
    public var personal: Bool
    /// 公开范围: who may see the value. 政务公开 fields are masked for readers without a grant that
    /// opens them to government use (`disclosure: government`); absent means 社会公开.
    public var disclosure: FieldDisclosure

    enum CodingKeys: String, CodingKey {
        case code, label, type, required, length, maxLength, codeList, pattern, positive, personal, disclosure
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        label = try container.decode(String.self, forKey: .label)
        type = try container.decode(FieldType.self, forKey: .type)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        length = try container.decodeIfPresent(Int.self, forKey: .length)
        maxLength = try container.decodeIfPresent(Int.self, forKey: .maxLength)
        codeList = try container.decodeIfPresent(String.self, forKey: .codeList)
        pattern = try container.decodeIfPresent(String.self, forKey: .pattern)
        positive = try container.decodeIfPresent(Bool.self, forKey: .positive) ?? false
        personal = try container.decodeIfPresent(Bool.self, forKey: .personal) ?? false
        disclosure = try container.decodeIfPresent(FieldDisclosure.self, forKey: .disclosure) ?? .public
    }
}
