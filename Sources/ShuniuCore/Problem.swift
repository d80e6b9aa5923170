/// One thing wrong with a submitted record: what rule, where, which field and why.
///
/// `code` is stable and meant for machines; `label` is the spec's Chinese name of the field;
/// `path` is a JSON path into the submitted batch (`$.records[3].data.PROJECT_CODE`).
public struct Problem: Codable, Sendable, Hashable {
    public var code: ProblemCode
    public var path: String
    public var label: String?
    public var message: String

    public init(code: ProblemCode, path: String, label: String? = nil, message: String) {
        self.code = code
        self.path = path
        self.label = label
        self.message = message
    }
}

/// A stable, documented problem code. New codes are added, never renamed.
public struct ProblemCode: StringIdentifier {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    // Record shape.
    public static let recordNotObject: ProblemCode = "record.not_object"
    public static let datasetMissing: ProblemCode = "record.dataset_missing"
    public static let datasetUnknown: ProblemCode = "record.dataset_unknown"
    public static let dataMissing: ProblemCode = "record.data_missing"
    // Platform rights.
    public static let datasetNotAllowed: ProblemCode = "record.dataset_not_allowed"
    public static let keyOwnedByOtherPlatform: ProblemCode = "record.key_owned_by_other_platform"
    // Record identity and operations (the spec's DATA_KEY and DATA_TYPE).
    /// A record of a dataset identified by DATA_KEY, or a delete, that carries no DATA_KEY.
    public static let dataKeyMissing: ProblemCode = "record.data_key_missing"
    /// A DATA_KEY that is not 1–100 characters without blanks, control characters or `|`.
    public static let dataKeyInvalid: ProblemCode = "record.data_key"
    /// An `operation` other than insert, update, delete (or DATA_TYPE 1, 2, 3).
    public static let operationInvalid: ProblemCode = "record.operation"
    /// An insert of a record the hub holds live (DATA_TYPE 1 on an existing DATA_KEY or key).
    public static let recordExists: ProblemCode = "record.exists"
    /// An update or delete of a record the hub does not hold, or holds deleted.
    public static let recordUnknown: ProblemCode = "record.unknown"
    /// An update that changes the record's key fields or its DATA_KEY.
    public static let keyChanged: ProblemCode = "record.key_changed"
    /// An insert whose duplicate-check values (`unique:`, the spec's RepeatCols) equal another
    /// live record's of the same dataset from the same platform.
    public static let duplicateValues: ProblemCode = "record.duplicate_values"
    /// The record has more problems than an answer lists; this one says how many were left out.
    public static let moreProblems: ProblemCode = "record.more_problems"
    /// A record's own code begins with another platform's 交易平台标识码 (and the sender does not succeed it).
    public static let codeOfOtherPlatform: ProblemCode = "record.code_of_other_platform"
    // Fields.
    public static let fieldUnknown: ProblemCode = "field.unknown"
    public static let fieldRequired: ProblemCode = "field.required"
    public static let fieldType: ProblemCode = "field.type"
    public static let fieldLength: ProblemCode = "field.length"
    public static let fieldPattern: ProblemCode = "field.pattern"
    public static let fieldCodeList: ProblemCode = "field.code_list"
    public static let fieldDateTime: ProblemCode = "field.datetime"
    public static let fieldDate: ProblemCode = "field.date"
    public static let fieldDecimal: ProblemCode = "field.decimal"
    public static let fieldInteger: ProblemCode = "field.integer"
    public static let fieldNotPositive: ProblemCode = "field.not_positive"
    /// A control character (or, in a code or key, any invisible one) inside a value.
    public static let fieldControlCharacter: ProblemCode = "field.control_character"
    // Identifiers.
    public static let creditCodeInvalid: ProblemCode = "id.credit_code"
    public static let residentIDInvalid: ProblemCode = "id.resident_id"
    public static let organizationCodeInvalid: ProblemCode = "id.organization_code"
    public static let regionCodeInvalid: ProblemCode = "id.region_code"
    public static let platformCodeInvalid: ProblemCode = "id.platform_code"
    public static let projectCodeInvalid: ProblemCode = "id.project_code"
    public static let tenderProjectCodeInvalid: ProblemCode = "id.tender_project_code"
    public static let sectionCodeInvalid: ProblemCode = "id.section_code"
    public static let unifiedDealCodeInvalid: ProblemCode = "id.unified_deal_code"
    // Cross-field rules.
    public static let codePrefixMismatch: ProblemCode = "rule.code_prefix"
    public static let requiredUnless: ProblemCode = "rule.required_unless"
    public static let requiredWith: ProblemCode = "rule.required_with"
    public static let requiredWhen: ProblemCode = "rule.required_when"
    public static let oneOfRequired: ProblemCode = "rule.one_of"
    public static let timeOrder: ProblemCode = "rule.time_order"
    public static let interval: ProblemCode = "rule.interval"
    public static let sequence: ProblemCode = "rule.sequence"
    /// `;`-separated lists of one subject each (names, kinds, codes) of different lengths.
    public static let listCount: ProblemCode = "rule.list_count"
    // References to other records, checked at ingest.
    public static let referenceMissing: ProblemCode = "reference.missing"
    public static let referenceTimeOrder: ProblemCode = "reference.time_order"
    /// A withdrawal of a record that another platform is the source of (一数一源).
    public static let referenceOtherOwner: ProblemCode = "reference.other_owner"
    // A record's detached signature.
    public static let signatureMissing: ProblemCode = "signature.missing"
    public static let signatureMalformed: ProblemCode = "signature.malformed"
    public static let signatureCertificate: ProblemCode = "signature.certificate"
    public static let signatureInvalid: ProblemCode = "signature.invalid"
    public static let signatureSignerMismatch: ProblemCode = "signature.signer_mismatch"
    // Deadlines: warnings, never refusals.
    public static let deadlineMissed: ProblemCode = "deadline.missed"
    /// A warning: a participant (bidder, candidate, winner, agency) is listed as 失信被执行人 or
    /// on a 黑名单 in force.
    public static let participantListed: ProblemCode = "participant.listed"
    /// A warning: a GB/T 2260 code no longer in force, in a record whose time is not within the
    /// revisions that listed it (or that carries no time).
    public static let regionCodeRetired: ProblemCode = "id.region_code_retired"
    /// A 统一社会信用代码 whose check character holds but whose embedded 组织机构代码 (characters
    /// 9–17) fails its own: a warning, since some registrations carry such codes.
    public static let creditCodeOrganizationCode: ProblemCode = "id.credit_code_organization_code"
    /// A warning: a value that an incomplete code list (`complete: false`, its official table not
    /// wholly known) does not hold. Accepted, since refusing a real code would lose the record.
    public static let codeUnlisted: ProblemCode = "code.unlisted"
    /// A warning: a legacy 15-digit 身份证号, checked (birth date 19yyMMdd) and stored in its
    /// 18-digit form.
    public static let residentID15: ProblemCode = "id.resident_id_15"
    /// A warning: a 统一社会信用代码 or 组织机构代码 that fails its check character but is on the list
    /// of real codes that do (Mappings/spec/codes/known-invalid-check.yaml, `shuniu codes allow`).
    public static let checkCharacterListed: ProblemCode = "id.check_character_listed"
    // Platform mappings (data that the mapping cannot translate).
    public static let mappingValueType: ProblemCode = "mapping.value_type"
    public static let mappingValueUnmapped: ProblemCode = "mapping.value_unmapped"
    public static let mappingTransform: ProblemCode = "mapping.transform"
    /// The payload is not well-formed in the mapping's format (JSON or XML).
    public static let mappingPayloadSyntax: ProblemCode = "mapping.payload_syntax"
}
