/// The type of a spec field: how its value is checked and normalized.
public enum FieldType: String, Codable, Sendable, CaseIterable {
    /// Free text, limited by `length` or `maxLength` (in characters) and an optional `pattern`.
    case text
    /// `yyyyMMddHHmmss`, China Standard Time.
    case datetime
    /// `yyyyMMdd`.
    case date
    /// A decimal string of up to 14 integer and 6 fraction digits; `positive` forbids ≤ 0.
    case decimal
    /// A whole number; JSON numbers are accepted too.
    case integer
    /// A value of the code list named by `codeList`.
    case code
    /// 统一社会信用代码.
    case creditCode
    /// 公民身份号码, 18 characters or legacy 15.
    case residentID
    /// 组织机构代码.
    case organizationCode
    /// A subject's code whose kind another field gives (see the `subjectCode` rule).
    case subjectCode
    /// 行政区划代码 of the shipped table.
    case regionCode
    /// 交易平台标识码.
    case platformCode
    /// 项目编号 (17).
    case projectCode
    /// 招标项目编号 (20).
    case tenderProjectCode
    /// 标段(包)编号 (23).
    case sectionCode
    /// Comma-separated 标段(包)编号.
    case sectionCodes
    /// 统一交易标识码 (40).
    case unifiedDealCode
    /// Comma-separated 统一交易标识码.
    case unifiedDealCodes
    /// An http or https address.
    case url
}
