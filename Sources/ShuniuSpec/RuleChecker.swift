import Foundation
import ShuniuCore

/// Checks a dataset's cross-field rules on a record's normalized values.
struct RuleChecker {
    let spec: DataSpec
    let dataset: DatasetSpec
    /// Valid values, normalized.
    let values: [String: String]
    /// Fields given at all, valid or not: for "required" rules.
    let present: Set<String>
    let path: String

    func check() -> [Problem] {
        dataset.rules.flatMap(check)
    }

    private func problem(_ code: ProblemCode, _ fieldCode: String, _ message: String) -> Problem {
        Problem(code: code, path: "\(path).\(fieldCode)", label: dataset.field(fieldCode)?.label, message: message)
    }

    private func label(_ code: String) -> String {
        "\(dataset.field(code)?.label ?? code) (\(code))"
    }

    /// ` (自然人)`: the code list's label of a value, for messages.
    private func codeLabel(_ field: String, _ value: String) -> String {
        guard let list = dataset.field(field)?.codeList, let label = spec.codeLists[list]?.label(of: value) else { return "" }
        return " (\(label))"
    }

    private func check(_ rule: RuleSpec) -> [Problem] {
        switch rule.rule {
        case .prefix:
            guard let field = rule.field, let prefixField = rule.startsWith,
                  let value = values[field], let prefix = values[prefixField] else { return [] }
            return SpecLists.split(value).filter { !$0.hasPrefix(prefix) }.map {
                problem(.codePrefixMismatch, field, "\(label(field)) \($0) must start with \(label(prefixField)) \(prefix)")
            }
        case .requiredUnless:
            guard let unlessField = rule.unlessField else { return [] }
            if let actual = values[unlessField], (rule.unlessValues ?? []).contains(actual) { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredUnless, $0, "\(label($0)) is required unless \(label(unlessField)) is \((rule.unlessValues ?? []).joined(separator: " or "))")
            }
        case .requiredWith:
            guard let field = rule.field, present.contains(field) else { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredWith, $0, "\(label($0)) is required when \(label(field)) is given")
            }
        case .subjectCode:
            guard let field = rule.field, let typeField = rule.typeField,
                  let value = values[field], let kinds = values[typeField] else { return [] }
            let codes = SubjectCode.elements(value), declared = SubjectCode.elements(kinds)
            guard codes.count == declared.count || declared.count == 1 else {
                return [problem(.listCount, field, "\(label(field)) lists \(codes.count) codes, \(label(typeField)) \(declared.count) kinds; one kind per code, separated by 半角分号 ;")]
            }
            return codes.enumerated().compactMap { index, element in
                let kind = declared.count == 1 ? declared[0] : declared[index]
                // A listed real code that fails its check character: a warning (RecordValidator).
                guard spec.knownInvalidCodes.entry(for: element) == nil,
                      let (code, message) = Self.declaredKindProblem(element, kind) else { return nil }
                let item = codes.count > 1 ? "item \(index + 1) '\(element)' " : ""
                return problem(code, field, "\(label(field)) \(item)is declared by \(label(typeField)) = \(kind): \(message)")
            }
        case .sameCount:
            let counted = (rule.fields ?? []).compactMap { field in values[field].map { (field, SubjectCode.elements($0).count) } }
            guard let first = counted.first, let other = counted.first(where: { $0.1 != first.1 }) else { return [] }
            return [problem(.listCount, other.0, "\(label(other.0)) lists \(other.1) values, \(label(first.0)) \(first.1); each subject has one value in each, separated by 半角分号 ;")]
        case .requiredWhen:
            guard let whenField = rule.whenField, let actual = values[whenField], (rule.whenValues ?? []).contains(actual) else { return [] }
            return (rule.fields ?? []).filter { !present.contains($0) }.map {
                problem(.requiredWhen, $0, "\(label($0)) is required when \(label(whenField)) is \(actual)\(codeLabel(whenField, actual))")
            }
        case .oneOf:
            let fields = rule.fields ?? []
            guard let first = fields.first, fields.allSatisfy({ !present.contains($0) }) else { return [] }
            return [problem(.oneOfRequired, first, "one of \(fields.map(label).joined(separator: ", ")) is required")]
        case .notBefore:
            guard let field = rule.field, let other = rule.other,
                  let value = values[field], let otherValue = values[other],
                  let time = SpecTime.parseTimeOrDate(value), let otherTime = SpecTime.parseTimeOrDate(otherValue) else { return [] }
            guard time < otherTime else { return [] }
            return [problem(.timeOrder, field, "\(label(field)) \(value) is before \(label(other)) \(otherValue)")]
        case .interval:
            guard let field = rule.field, let other = rule.other,
                  let value = values[field], let otherValue = values[other],
                  let end = SpecTime.parseTimeOrDate(value), let start = SpecTime.parseTimeOrDate(otherValue) else { return [] }
            let days = SpecTime.days(from: start, to: end)
            if let least = rule.atLeastDays, days < Double(least) {
                return [problem(.interval, field, "\(label(field)) \(value) is \(SpecTime.daysText(days)) days after \(label(other)) \(otherValue); at least \(least) required")]
            }
            if let most = rule.atMostDays, days > Double(most) {
                return [problem(.interval, field, "\(label(field)) \(value) is \(SpecTime.daysText(days)) days after \(label(other)) \(otherValue); at most \(most) allowed")]
            }
            return []
        case .sequence:
            // Across records: checked at ingest by SequenceChecker.
            return []
        }
    }

    /// A code checked as the kind a code-type field declares (code list SUBJECT_CODE_TYPE:
    /// 01 credit code, 02 organization code, 03 resident ID; any other kind is text).
    static func declaredKindProblem(_ value: String, _ kind: String) -> (ProblemCode, String)? {
        switch kind {
        case "01": CreditCode.problem(in: value).map { (.creditCodeInvalid, "统一社会信用代码 \($0)") }
        case "02": OrganizationCode.problem(in: value).map { (.organizationCodeInvalid, "组织机构代码 \($0)") }
        case "03":
            if case .failure(let failure) = ResidentID.normalize(value) { (.residentIDInvalid, "身份证号 \(failure.message)") } else { nil }
        default: nil
        }
    }
}
