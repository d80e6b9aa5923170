import ShuniuCore

/// One dataset of the common spec: its fields, business key, sharing type and rules.
public struct DatasetSpec: Decodable, Sendable {
    public var dataset: DatasetID
    /// The national spec's table name (`PROJECT`, `TENDER_PROJECT`, …).
    public var name: String
    /// Chinese name (项目, 招标项目, …).
    public var label: String
    public var sharing: SharingType
    /// The fields whose values, joined by `|`, identify a record of this dataset.
    public var key: [String]
    /// The field holding the GB/T 2260 code the record concerns, for routing.
    public var regionField: String?
    /// The field holding the industry code (GB/T 4754), for routing by industry.
    public var industryField: String?
    public var fields: [FieldSpec]
    public var rules: [RuleSpec]
    /// Records of other datasets that a record of this one needs.
    public var references: [ReferenceSpec]
    /// Publication deadlines, reported as warnings.
    public var deadlines: [DeadlineSpec]
    /// What a record's detached signature must be; none asked when absent.
    public var signature: SignaturePolicy?
    /// The records of another dataset that records of this one withdraw.
    public var withdraws: WithdrawalSpec?
    /// Records of this dataset list subjects barred from tendering (失信被执行人, 黑名单).
    public var lists: ListingSpec?
    /// Fields naming the subjects that take part (bidders, candidates, winners, agencies):
    /// checked against the listings in force. A field may hold several codes (a 联合体),
    /// separated by commas or semicolons.
    public var participants: [String]
    /// Generated from the reference tables or kept by hand; set by the loader.
    public internal(set) var origin: DatasetOrigin = .maintained
    /// Field by code, for lookups on every value of every record.
    let fieldsByCode: [String: FieldSpec]

    enum CodingKeys: String, CodingKey {
        case dataset, name, label, sharing, key, regionField, industryField, fields, rules, references, deadlines, signature, withdraws, lists, participants
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        dataset = try container.decode(DatasetID.self, forKey: .dataset)
        name = try container.decode(String.self, forKey: .name)
        label = try container.decode(String.self, forKey: .label)
        sharing = try container.decode(SharingType.self, forKey: .sharing)
        key = try container.decode([String].self, forKey: .key)
        regionField = try container.decodeIfPresent(String.self, forKey: .regionField)
        industryField = try container.decodeIfPresent(String.self, forKey: .industryField)
        fields = try container.decode([FieldSpec].self, forKey: .fields)
        rules = try container.decodeIfPresent([RuleSpec].self, forKey: .rules) ?? []
        references = try container.decodeIfPresent([ReferenceSpec].self, forKey: .references) ?? []
        deadlines = try container.decodeIfPresent([DeadlineSpec].self, forKey: .deadlines) ?? []
        signature = try container.decodeIfPresent(SignaturePolicy.self, forKey: .signature)
        withdraws = try container.decodeIfPresent(WithdrawalSpec.self, forKey: .withdraws)
        lists = try container.decodeIfPresent(ListingSpec.self, forKey: .lists)
        participants = try container.decodeIfPresent([String].self, forKey: .participants) ?? []
        fieldsByCode = Dictionary(fields.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func field(_ code: String) -> FieldSpec? {
        fieldsByCode[code]
    }
}

/// Sharing type under 政务信息资源共享管理暂行办法.
public enum SharingType: String, Codable, Sendable {
    /// 无条件共享.
    case unconditional
    /// 有条件共享: a consumer needs a grant.
    case conditional
    /// 不予共享: never leaves the hub.
    case none

    /// 无条件共享, 有条件共享, 不予共享.
    public var chineseName: String {
        switch self {
        case .unconditional: "无条件共享"
        case .conditional: "有条件共享"
        case .none: "不予共享"
        }
    }
}
