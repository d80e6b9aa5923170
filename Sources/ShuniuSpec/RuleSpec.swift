/// A rule across fields of one record, declared in the dataset file.
///
/// - `prefix`: every code in `field` (comma-separated when a list) starts with the value of `startsWith`.
/// - `requiredUnless`: `fields` are required unless `unlessField` equals one of `unlessValues`.
/// - `subjectCode`: `field` is checked as the kind of code that `typeField` names
///   (code list `SUBJECT_CODE_TYPE`: 01 credit code, 02 organization code, 03 resident ID), one
///   kind per `;`-separated code. Without such a field a subject code's kind is read from its shape.
/// - `sameCount`: the `;`-separated lists in `fields` (names, 主体类别 and codes of several
///   招标人 or of a 联合体's members) have as many values each.
/// - `requiredWith`: `fields` are required when `field` has a value (an amount needs its currency and unit).
/// - `notBefore`: the time in `field` is not earlier than the time in `other`.
/// - `requiredWhen`: `fields` are required when `whenField` equals one of `whenValues`.
/// - `oneOf`: at least one of `fields` has a value.
/// - `interval`: `field − other` is at least `atLeastDays` and at most `atMostDays` calendar days.
/// - `sequence`: across the records of a group (`groupBy`, the leading key fields), `field` runs 1..n
///   without gaps or repeats. Checked at ingest over the batch and the stored records.
public struct RuleSpec: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case prefix, requiredUnless, requiredWith, requiredWhen, oneOf, subjectCode, sameCount, notBefore, interval, sequence
    }

    public var rule: Kind
    public var field: String?
    public var fields: [String]?
    public var startsWith: String?
    public var unlessField: String?
    public var unlessValues: [String]?
    public var typeField: String?
    public var other: String?
    public var whenField: String?
    public var whenValues: [String]?
    public var atLeastDays: Int?
    public var atMostDays: Int?
    public var groupBy: [String]?
    /// What the rule means, for messages.
    public var description: String?
}

extension RuleSpec.Kind {
    /// The keys a rule of this kind cannot do without.
    var requiredKeys: [String] {
        switch self {
        case .prefix: ["field", "startsWith"]
        case .requiredUnless: ["fields", "unlessField", "unlessValues"]
        case .requiredWith: ["fields", "field"]
        case .requiredWhen: ["fields", "whenField", "whenValues"]
        case .oneOf: ["fields"]
        case .subjectCode: ["field", "typeField"]
        case .sameCount: ["fields"]
        case .notBefore: ["field", "other"]
        case .interval: ["field", "other", "atLeastDays or atMostDays"]
        case .sequence: ["field", "groupBy"]
        }
    }
}

extension RuleSpec {
    func has(_ key: String) -> Bool {
        switch key {
        case "field": field != nil
        case "fields": !(fields ?? []).isEmpty
        case "startsWith": startsWith != nil
        case "unlessField": unlessField != nil
        case "unlessValues": unlessValues != nil
        case "whenField": whenField != nil
        case "whenValues": whenValues != nil
        case "typeField": typeField != nil
        case "other": other != nil
        case "groupBy": !(groupBy ?? []).isEmpty
        case "atLeastDays or atMostDays": atLeastDays != nil || atMostDays != nil
        default: true
        }
    }
}

