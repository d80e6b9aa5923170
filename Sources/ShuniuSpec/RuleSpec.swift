/// A rule across fields of one record, declared in the dataset file.
///
/// - `prefix`: every code in `field` (comma-separated when a list) starts with the value of `startsWith`.
/// - `requiredUnless`: `fields` are required unless `unlessField` equals one of `unlessValues`.
/// - `subjectCode`: `field` is checked as the kind of code that `typeField` names
///   (code list `SUBJECT_CODE_TYPE`: 01 credit code, 02 organization code, 03 resident ID).
/// - `requiredWith`: `fields` are required when `field` has a value (an amount needs its currency and unit).
/// - `notBefore`: the time in `field` is not earlier than the time in `other`.
public struct RuleSpec: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable {
        case prefix, requiredUnless, requiredWith, subjectCode, notBefore
    }

    public var rule: Kind
    public var field: String?
    public var fields: [String]?
    public var startsWith: String?
    public var unlessField: String?
    public var unlessValues: [String]?
    public var typeField: String?
    public var other: String?
    /// What the rule means, for messages.
    public var description: String?
}
